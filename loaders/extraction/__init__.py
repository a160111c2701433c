"""Draft annotations from article text: states, persons, agreements, topics, place and date."""

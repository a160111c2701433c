"""The query engine, which knows no HTTP status nor the views: the jobs, answers and errors
(``jobs``), the query process (``query_process``, started as ``python -m
accords.server.engine.query_process``) and the messages it exchanges with its pool (``wire``),
the pool of query processes (``pool``), the pool of an external backend (``backend``), and the
``QueryEngine`` protocol both follow (``protocol``)."""

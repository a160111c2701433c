"""The closed word lists the extraction rules use, in French and English."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


# Language detection: words frequent in one language, rare in the other (and in Spanish, Italian…).
STOP_WORDS = {
    "fr": words(
        """le les des du et est une dans pour avec sur qui ont été au aux cette ce ces pas ses leur
        leurs lors deux son sa entre également aussi après selon"""
    ),
    "en": words(
        """the and of to is was with for on by that have has been an at from its their which were
        this also after two his her between"""
    ),
}

NUMBER_WORDS = {
    "fr": words(
        """un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze
        seize vingt vingts trente quarante cinquante soixante cent cents mille"""
    ),
    "en": words(
        """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
        sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
        hundred thousand"""
    ),
}
NUMBER_CONNECTORS = {"fr": "et", "en": "and"}

# Persons: the words a role starts with (French) or ends with (English); "a-b" is two words.
ROLE_HEADS = {
    "fr": words(
        """président présidente premier-ministre ministre chef cheffe roi reine émir prince princesse
        chancelier chancelière homologue directeur directrice pdg patron patronne ambassadeur
        ambassadrice secrétaire vice-président vice-présidente sultan monarque dirigeant dirigeante
        gouverneur maire porte-parole commissaire représentant représentante conseiller conseillère"""
    ),
    "en": words(
        """president prime-minister minister chief head king queen emir prince princess chancellor
        counterpart director ceo chairman chairwoman chair ambassador secretary vice-president sultan
        monarch leader premier governor mayor spokesman spokeswoman spokesperson envoy commissioner
        representative councilor councillor counsellor"""
    ),
}
RANKS = tuple(
    tuple(rank.split())
    for rank in (
        "général d armée",
        "général de division",
        "lieutenant-colonel",
        "général",
        "colonel",
        "capitaine",
        "maréchal",
        "commandant",
        "amiral",
        "field marshal",
        "lieutenant general",
        "major general",
        "general",
        "captain",
        "admiral",
    )
)
# Malaysia's federal and state honorifics (Tun, Tan Sri, Datuk Seri, Dato', Datin) stand before a
# name like "Mr": "Prime Minister Datuk Seri Anwar Ibrahim" is Anwar Ibrahim.
# « Me » / « Maître » (a lawyer) and « Mgr » (a bishop) too: « Me Sidiki Kaba » is Sidiki Kaba.
HONORIFICS = words(
    "m mme me maître mgr mr mrs ms dr prof professor professeur sayyid tun datuk dato datin seri"
)
DETERMINERS = words("le la l les son sa ses leur the his her their its")
FUNCTION_WORDS = DETERMINERS | words(
    """de du des d à au aux en et ou avec par pour sur un une a an and or of to for by with in on at
    from as que qui who which that ont été have has was were is are entre between"""
)
# Nouns of financing instruments: a bulleted « un prêt de … » lists what was signed.
FINANCING_NOUNS = words("prêt prêts loan loans don dons grant grants crédit crédits credit")
# Magnitudes of a sum of money: "US$ 300 million loan agreements" counts no agreement.
AMOUNT_WORDS = words("million millions billion billions milliard milliards trillion mln bn")
ENDS_ROLE = words('. ; : ! ? ( ) « » " et and ou or que qui who which')
NAME_PARTICLES = words("de da di do del dos das e van von der den bin bint ben ibn ould al el")
# Capitalized words that are never part of a person's name: each language's function words…
SENTENCE_STARTS = {
    "fr": words(
        """le la les l un une des du de d ce cette ces cet il elle ils elles selon lors enfin en au
        aux dans pour par sur avec après avant depuis pendant sous son sa ses leur leurs plusieurs
        ainsi mais et ou si cependant outre parmi entre face"""
    ),
    "en": words(
        """the a an this that these those in on at for with by after before during under it he she
        they his her their its according both and but also while as when since among however"""
    ),
}
# … and, in either language, titles, institutions, places' common nouns, weekdays and months.
NOT_NAMES = words(
    """président présidente president premier prime ministre minister chancelier chancelière
    chancellor roi king reine queen émir emir prince crown cheikh sheikh sultan général general
    colonel capitaine captain maréchal marshal field lieutenant commandant secrétaire secretary
    deputy vice vice-président vice-president directeur directrice director ceo pdg ambassadeur
    ambassador representative représentant chef chief head leader speaker gouverneur governor maire
    mayor foreign treasury councilor councillor counsellor conseiller conseillère commissioner
    commissioners commissaire commissaires senator senators sénateur sénatrice
    affaires affairs étrangères etrangères états etats défense defence defense économie economie
    economy finances finance énergie energy commerce trade intérieur interior justice santé health
    état etat state first première dame senior armée army pétrole électricité electricity
    transition commission conseil council république republic gouvernement government assemblée
    assembly parlement parliament sénat senate ministère ministry union nations unies united kremlin
    palais palace maison blanche white élysée tower tour fund fonds bank banque treaty traité
    agreement accord partnership partenariat strategic stratégique comprehensive corridor initiative
    belt road agency agence corporation company group groupe organisation organization forum summit
    sommet conférence conference nord sud north south east west est ouest méditerranée mediterranean
    pacific pacifique atlantic atlantique océan ocean mer sea power nuclear non-proliferation
    reciprocal access statement joint déclaration mission division house villa diwan office offices
    cooperation coopération department directorate secretariat bureau residence mou mous
    director-general directeur-général directrice-générale secretary-general secrétaire-général
    lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday friday
    saturday sunday janvier février mars avril mai juin juillet août septembre octobre novembre
    décembre january february march april may june july august september october november december"""
)
# A name beside these nouns names a place or a thing (« l'aéroport Félix Houphouët-Boigny », "the Amu
# Darya river", "an Ambedkar Chair"), not a person present.
NAMED_THINGS = words(
    """aéroport stade avenue boulevard rue lycée université hôpital pont barrage fleuve rivière
    théâtre chaire airport stadium street university hospital bridge dam river expressway highway
    chair hall lake lac complex complexe"""
)
# Titles that may stand inside a name (« Mohamed Ould Cheikh El Ghazouani »).
TITLES_IN_NAMES = words("cheikh sheikh")
# Verbs whose subject, two capitalized words or more, is taken for a person.
PERSON_VERBS = words(
    """a ont avait avaient est était sont said says signed met told added announced attended visited
    welcomed declared stressed noted has had arrived received thanked praised hailed
    urged underlined highlighted reiterated expressed pledged chaired"""
)
AGENT_WORDS = words("par by")

ORGANIZATION_HEADS = words(
    """société compagnie entreprise groupe firme conglomérat géant opérateur agence banque fonds
    corporation holding constructeur company corp firm group giant operator agency bank fund
    conglomerate enterprise producer maker utility"""
)

# Agreements: the nouns that name one (plural forms included) and, after an ordinal, a document.
AGREEMENT_NOUNS = {
    "fr": words(
        """accord accords traité traités convention conventions protocole protocoles mémorandum
        mémorandums memorandum memorandums pacte pactes charte chartes déclaration déclarations
        partenariat partenariats"""
    ),
    "en": words(
        """agreement agreements treaty treaties deal deals accord accords convention conventions
        protocol protocols memorandum memoranda memorandums mou mous pact pacts charter charters
        statement statements declaration declarations partnership partnerships"""
    ),
}
DOCUMENT_NOUNS = {
    "fr": AGREEMENT_NOUNS["fr"] | words("texte textes document documents instrument instruments"),
    "en": AGREEMENT_NOUNS["en"] | words("text texts document documents instrument instruments"),
}
# Instruments counted only when joined to a count of agreements (« 18 accords et deux lettres »).
JOINED_INSTRUMENTS = words("letter letters lettre lettres")
# What else a signing verb signs that makes an instrument (« les plans de travail annuels », "the
# framework programme", "a loan contract"), beside agreements and documents; not a guest book.
SIGNED_INSTRUMENTS = words(
    "plan plans programme programmes program programs contrat contrats contract contracts notes"
)
ORDINALS = {
    "fr": {
        "premier": 1,
        "première": 1,
        "deuxième": 2,
        "second": 2,
        "seconde": 2,
        "troisième": 3,
        "quatrième": 4,
        "cinquième": 5,
        "sixième": 6,
        "septième": 7,
        "huitième": 8,
        "neuvième": 9,
        "dixième": 10,
    },
    "en": {
        "first": 1,
        "second": 2,
        "third": 3,
        "fourth": 4,
        "fifth": 5,
        "sixth": 6,
        "seventh": 7,
        "eighth": 8,
        "ninth": 9,
        "tenth": 10,
    },
}
# « l'un sur …, l'autre sur … » / "one on …, the other on …"
ONE_AND_OTHER = {"fr": ("l'un", "l'autre"), "en": ("one", "the other")}
# Verbs that follow a bare ordinal standing for an agreement (« le second porte sur… »).
DESCRIBING_VERBS = words(
    """porte concerne établit vise prévoit crée instaure encadre traite définit fixe organise institue
    sets covers concerns establishes provides deals focuses aims creates is was deepens links lie relie"""
)
# Adjectives allowed between « un » and the noun of a new agreement (« un nouveau traité »).
FRENCH_AGREEMENT_ADJECTIVES = words("nouvel nouveau nouvelle important importante vaste historique")
NOT_NEW = words("such tel telle")  # "such a deal" names no agreement signed here
DOMAIN_WORDS = words(
    "domaine domaines secteur secteurs domain domains area areas field fields sector sectors"
)
# Verbs that give the domains of instruments (« Ils portent sur », "Those four cover"), and the
# pronouns that open a sentence about the instruments just named.
COVERING_VERBS = words(
    """portent porte concernent concerne couvrent couvre visent touchent incluent comprennent
    cover covers covered concern concerns span spans relate relates include includes"""
)
BACK_REFERENCES = words("they these those ils elles ces celles-ci ceux-ci all tous toutes")
PLACE_PREPOSITIONS = words("à a au aux dans en in at")
VISIT_KINDS = {
    "officielle": "official",
    "official": "official",
    "d'état": "state",
    "d'etat": "state",
    "state": "state",
    "de travail": "working",
    "working": "working",
    "d'amitié": "friendship",
}
# A signing announced, hoped for, refused or denied is no signing: a signing word that one of
# these forms ends on tells of none (« doit être signé », "no document was signed"); "sign"
# stands for every signing verb (SIGN_STEMS: « conclu », "inked"…).
SIGN_STEMS = "(?:sign|conclu|paraph|scell|ink|seal)"
NOT_SIGNED = {
    "fr": (
        r"\b(?:devr|doi[tv]|pourr|ser(?:a|ont)\b|va\b|vont\b|prévo|envisag|souhait|compt|espér|espèr"
        r"|entend|s'apprêt|appel)\w*\s+(?:[\w']+\s+){0,2}?(?:être\s+)?sign",
        # readiness: « prêts à être signés », « prêt pour la signature » (not « les documents du prêt »)
        r"\bprêt\w*\s+(?:à|pour)\s+(?:[\w']+\s+){0,2}?(?:être\s+)?sign",
        r"\bsigner(?:a|ont|ait|aient)\b",
        r"\baucun\w*\s+(?:[\w'-]+\s+){0,5}?(?:n'|ne\s+)\w*\s*(?:été\s+|encore\s+)*sign",
        r"\bn'(?:a|ont|avait|avaient|est|sont)\s+(?:\w+\s+)?pas\s+(?:encore\s+)?(?:été\s+)?sign",
        r"\bpas\s+(?:encore\s+)?(?:été\s+)?sign",
        r"\bsans\s+(?:\w+\s+){0,2}?sign",
        r"\bà\s+(?:l'|le\s+|la\s+|les\s+)?signer",
        # a text that only awaits its signing, a signing that did not take place (« n'attendait plus que
        # d'être signé », « la signature … n'a finalement pas eu lieu »), one authorised (« autorisant la
        # signature »)
        r"\battend\w*\s+(?:[\w']+\s+){0,3}?d'être\s+sign",
        r"\bsign\w*\b[^.;:]{0,200}?\bn'(?:a|ont|aura|auront)\s+(?:\w+\s+)?pas\s+eu\s+lieu",
        r"\bautoris\w*\s+(?:la\s+)?sign",
        r"\ben\s+vue\s+de\s+(?:la\s+)?sign",
        r"\b(?:prochaine|future|éventuelle|probable)\s+signature",
        r"\bavant\s+(?:la\s+|de\s+)?sign",
        r"\bprépar\w*\s+(?:la\s+)?sign",
        # « recommande la signature d'un accord »
        r"\b(?:recommand|préconis|propos|suggér)\w*\s+(?:la\s+)?sign",
        # a signing put off, moved towards, still to be reached, or only supposed (« ont reporté la
        # signature », « avancer vers la signature », « passer à la signature », « une fois signé »)
        r"\b(?:report|ajourn|différ|diffèr|repouss|suspend|annul)\w*\s+(?:[\w']+\s+){0,4}?(?:la\s+|leur\s+)?sign",
        r"\bvers\s+(?:la\s+)?sign",
        r"\bpass\w*\s+à\s+(?:la\s+)?sign",
        r"\bune\s+fois\s+(?:\w+\s+)?sign",
        r"\bsign\w*\s+(?:des\s+|du\s+|d'|de\s+(?:ces\s+|leurs?\s+)?)?projets?\b",
        r"\bpas\s+(?:pu|su|voulu)\s+sign",
        r"\béchou\w*\s+à\s+sign",
        r"\bsign\w*\s+(?:[\w']+\s+){0,3}?(?:l'an\s+dernier|l'année\s+dernière|précédemment|auparavant)",
        r"\bdéjà\s+(?:été\s+)?sign",
        r"\bavai(?:t|ent)\s+(?:\w+\s+){0,2}?(?:été\s+)?sign",  # « où l'émir avait signé »: an earlier signing
        # a signing proposed, asked for or wished (« a proposé … que les ministres signent »)
        r"\b(?:propos|suggér|demand|souhait|recommand|exig)\w*\b[^.;]{0,120}?\bqu(?:e\b|')[^.;]{0,80}?sign",
    ),
    "en": (
        r"\b(?:will|would|shall|could|may|might|should|must|can)\s+(?:\w+\s+){0,2}?(?:be\s+)?sign",
        r"\b(?:expect\w*|plan\w*|set|due|hop\w*|intend\w*|aim\w*|ready|yet|is|are|poised|likely|agreed"
        r"|prepar\w*|want\w*|seek\w*)\s+to\s+(?:be\s+)?sign",
        r"\bto\s+(?:have\s+been|be)\s+(?:\w+ly\s+)?sign\w*",
        # a signing put off, moved towards, or only supposed ("have postponed until May the signing",
        # "to put off the signing", "towards the signing", "Once signed, the protocols must")
        r"\b(?:postpon|put\w*\s+off|delay|defer|push\w*\s+back|suspend|call\w*\s+off|cancel)\w*\s+"
        r"(?:[\w.']+\s+){0,5}?(?:the\s+)?sign",
        r"\btowards?\s+(?:the\s+)?sign",
        r"\bonce\s+(?:\w+\s+)?signed",
        r"\bsign\w*\s+(?:of\s+)?(?:the\s+|a\s+)?drafts?\b",
        r"\bnot\s+(?:yet\s+)?(?:been\s+)?sign",
        r"\b(?:did|do|does)\s*n[o']t\s+sign",
        r"\bno\s+(?:[\w'-]+\s+){0,4}?(?:was|were|has\s+been|have\s+been|had\s+been|got)\s+signed",
        r"\bwithout\s+(?:\w+\s+)?signing",
        r"\brefus\w*\s+to\s+sign",
        r"\bawait\w*\s+(?:its\s+|their\s+|the\s+)?signing",
        r"\bsign\w*\b[^.;:]{0,200}?\bdid\s+not\s+take\s+place",
        r"\bauthori[sz]\w*\s+(?:the\s+)?sign",
        r"\b(?:ahead\s+of|before|prior\s+to)\s+(?:the\s+|a\s+)?signing",
        r"\b(?:future|upcoming|eventual|possible|planned|proposed)\s+signing",
        r"\b(?:fail\w*|unable)\s+to\s+(?:be\s+)?sign",
        r"\bsign\w*\s+(?:\w+\s+){0,3}?(?:last|previous)\s+(?:year|month)",
        r"\b(?:previously|already|earlier)\s+(?:been\s+)?sign",
        r"\bhad\s+(?:\w+\s+){0,2}?(?:been\s+)?sign",
        r"\b(?:propos|suggest|urg|recommend|insist|ask|request)\w*\s+that\b[^.;]{0,80}?sign",
        r"\b(?:propos|suggest|urg|recommend|call\w*\s+for)\w*\s+(?:the\s+)?signing",  # "urged the signing of"
    ),
}
# An infinitive tells of a signing to come or asked for (« pour signer », "directed them to
# conclude"): not one that took place.
SIGNING_INFINITIVE = {
    "fr": r"\b(?:de|d'|à|pour)\s+(?:signer|conclure|parapher|sceller)\b",
    "en": r"\bto\s+(?:be\s+)?(?:sign|conclude|ink|seal)\b",
}
# Verbs of a signing besides « signer »: exchanging memoranda (with an agreement noun nearby).
EXCHANGE_WORDS = (
    r"\b(?:exchanged|échangés|échangé|échangées|exchange\s+of|échange\s+(?:des|de|d'))(?!\w)"
    r"(?!\s*(?:of\s+|des\s+|de\s+)?(?:views|opinions|ideas|notes|vues|idées|points|avis|propos))"
)
# Bullet marks that start a line listing one instrument.
BULLET = r"^[ \t]*(?:[-•*–—▪·●◦]|\d{1,2}[.)])[ \t]+"
# A negation opening the clause of a signing word denies it (« aucun accord n'a été paraphé »,
# "no signing ceremony was reported"), unless it bounds a number (« pas moins de », "not only").
NEGATORS = {
    "fr": words("aucun aucune pas jamais rien ni sans nul nulle guère"),
    "en": words("no not none never nothing neither nor without nobody cannot"),
}
READINESS = words("prêt prêts prête prêtes ready")
READINESS_LINKS = words("à a pour to for")
NEGATION_LIFTERS = words("fewer less only least sooner moins seulement plus-que")
# Words that, just before a signing word, make it a signing to come or only possible: modal and
# future auxiliaries, adverbs of possibility, readiness ("ready for signing", « prêts à être
# signés »; READINESS only before à / pour / to / for: « les documents du prêt » is a loan)
# (French futures and conditionals are read from the verb's ending).
MODAL_WORDS = {
    "fr": words(
        """doit doivent devait devaient pourrait pourraient peut peuvent prochaine prochain future
        éventuelle éventuel probable possible prévue prévu prévues prévus envisagée envisagé
        attendue attendu prêt prêts prête prêtes ultérieure ultérieur"""
    ),
    "en": words(
        """will would shall could may might should must can ll possibly possible likely probably
        expected planned scheduled due future upcoming eventual proposed potential prospective ready
        subsequent forthcoming"""
    ),
}
# After a signing verb, an object that is none (« n'ont signé aucun accord », "signed no deal");
# after a signing noun, a predicate that puts it off (« la signature est prévue », "the signing
# is scheduled", « interviendra »).
OBJECT_NEGATORS = {"fr": words("aucun aucune rien"), "en": words("no nothing none")}
POSTPONING = {
    "fr": words(
        """prévue prévu prévues programmée programmé attendue attendu interviendra interviendront
        devrait devraient reportée reporté ajournée ajourné envisagée envisagé fixée fixé prochaine
        prochain doit doivent devait devaient pourrait pourraient va vont aura reste restent viendra
        viendront"""
    ),
    "en": words(
        """scheduled planned expected due slated postponed delayed will would may might could should
        must shall envisaged remains remain follow wait waits await awaits awaiting"""
    ),
}
# Nouns of a will, a wish or a condition whose object is a signing to come (« la volonté de « signer
# un accord » », « posé comme préalable à la signature », "their willingness to sign").
INTENT_NOUNS = words(
    """volonté volontés intention intentions désir souhait souhaits préalable préalables condition
    conditions willingness intent wish wishes desire precondition preconditions prerequisite readiness
    confident hopeful optimistic confiant confiants confiante confiantes"""
)
# Adverbs set off by commas inside a clause (« n'a, toutefois, pas été signé », "is not, however,").
ASIDE_ADVERBS = words(
    """however though therefore yet still indeed nevertheless cependant toutefois pourtant néanmoins
    donc encore"""
)
# English "sign" is a noun, a token of something, after these words or before "of" / "that".
NOUN_SIGN_BEFORE = words(
    """a an the another this that any no every positive clear good strong first encouraging
    hopeful welcome further"""
)
NOUN_SIGN_AFTER = words("of that")
# What may follow English "signing" when it tells of a signing: its object or complement (a
# determiner, a number, an instrument), its ceremony, or the words of a clause going on.
BARE_SIGNING_FOLLOWERS = (
    DOCUMENT_NOUNS["en"]
    | SIGNED_INSTRUMENTS
    | FUNCTION_WORDS
    | NUMBER_WORDS["en"]
    | words(
        """ceremony ceremonies event took was were had has marks marked comes came followed several
        various new bilateral other more further key major both all some many these those multiple"""
    )
)

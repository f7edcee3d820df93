"""German word tables: general knowledge of the language, nothing of any article.

Each table is written once; the analysers import it (question analysis, attribution, names,
keyword search, answer types, dates, the meaning check). Words are lower case unless a table
says otherwise; tables of forms say why they list forms rather than lemmas.
"""

from __future__ import annotations

import re

from qa_service.lang import alternatives


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- Dates -------------------------------------------------------------------------------

MONTHS = tuple(
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)
WEEKDAYS = tuple("Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag".split())
# Other spellings articles use: Austrian, and transliterated without umlauts.
MONTH_SPELLINGS = {"jänner": 1, "feber": 2, "maerz": 3}
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "febr": 2, "mär": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "nov": 11, "dez": 12,
}  # fmt: skip
WEEKDAY_SPELLINGS = {"sonnabend": 5}
# Parts of a day a weekday joins into one word: "Montagmittag", "Dienstagabend".
DAY_PARTS = _words("früh morgen vormittag mittag nachmittag abend nacht")
# Days relative to today, and the adverbs of time before it.
TIME_ADVERBS = _words("heute gestern morgen vorgestern zuvor bislang bisher")
# "Recently": a question asking for the newest statements.
RECENT = _words("zuletzt jüngst kürzlich")
# Units of time a span is counted in ("vor einem Jahr", "seit drei Wochen").
TIME_UNITS = _words("sekunde minute stunde tag woche wochenende monat jahr jahrzehnt jahrtausend")
SEASONS = _words("frühjahr frühling sommer herbst winter")
# Nouns a "welcher …" question asks a time with ("In welchem Jahrhundert …"), beyond the units.
TIME_NOUNS = TIME_UNITS | _words("jahrhundert datum zeitpunkt")
# Words that round a number ("vor rund 4.000 Jahren", "seit mehr als zehn Jahren").
HEDGES = _words("rund etwa ungefähr circa ca knapp fast gut über mehr als weniger")
# Counts too vague for a number word ("vor wenigen Tagen", "mehrere Male").
VAGUE_COUNTS = _words(
    "wenigen einige einigen mehrere mehreren vielen paar zahlreiche zahlreichen dutzende "
    "dutzenden hunderte hunderten tausende tausenden"
)

# --- Function words ----------------------------------------------------------------------

DEFINITE_ARTICLES = _words("der die das des dem den")
INDEFINITE_ARTICLES = _words("ein eine einer eines einem einen")
ARTICLES = DEFINITE_ARTICLES | INDEFINITE_ARTICLES
# Pronouns that open a relative clause ("…, das das Gerät entwickelt hat, …").
RELATIVE_PRONOUNS = _words("der die das dem den deren dessen denen")
# Articles that mark no subject ("Den Plan kritisierte …"): dative, accusative, genitive.
OBLIQUE_ARTICLES = _words("den dem des einen einem eines")
# Articles only a genitive takes: "am Rande des Gipfels" (not "der": "in Linz der Verband").
GENITIVE_ARTICLES = _words("des eines")
# After "in", these articles make a direction ("in die Ukraine"), not a place ("im Land").
ACCUSATIVE_ARTICLES = _words("die den das")
PREPOSITIONS = _words(
    "an auf aus bei bis durch für gegen hinter in mit nach neben ohne seit über um unter von "
    "vor während wegen zu zwischen am ans aufs beim im ins vom zum zur"
)
# Prepositions and genitive articles: the noun after one is no clause's subject ("mit
# Haberl", "des Ministers"), and a negated phrase ends at one.
GOVERNING_WORDS = _words(
    "von vom des mit auf an für über bei beim nach aus gegen zwischen durch um unter in im "
    "zu zum zur eines"
)
# Conjunctions that join two main clauses ("teilte … mit und sprach …"): a clause ends before them.
CLAUSE_CONJUNCTIONS = _words("und oder aber sowie")
# Prepositions of place and direction: "in Wien", "nach Berlin", "aus der Ukraine".
PLACE_PREPOSITIONS = _words("in im nach aus bei beim auf an vor über")
# Those after which a name is a place ("in Dornbach", "aus Wien"), not a person ("bei Haberl").
PLACE_NAME_PREPOSITIONS = _words("in im nach aus")
# Those that place a claim ("in Wien", "beim Gipfel"), and those that give its direction.
LOCATIVE_PREPOSITIONS = _words("in im am bei beim")
DIRECTIONAL_PREPOSITIONS = _words("nach ins")
# After "auf", a dative or "benachbart-" places ("auf dem Gebiet"): a regex over one word.
AUF_LOCATIVE_PATTERN = r"^(dem|der|einem|einer|benachbart\w*)$"
# "dazu", "darüber": a preposition standing for something said before.
PRONOMINAL_ADVERBS = _words("dazu darüber davon damit dabei daran darauf dafür dagegen darin")
# Particles a question puts after the name it asks about ("Was sagte Müller denn genau …").
PARTICLES = _words("erst noch denn eigentlich genau konkret sonst")
# Adverbs that may stand between a finite verb and its subject ("sagte jedoch der …", "Der
# Minister hingegen meinte …").
INTERPOSED_ADVERBS = _words(
    "auch jedoch zudem dann nun aber bereits zuletzt erneut noch weiter ebenfalls später zuvor "
    "hingegen dagegen indes allerdings wiederum seinerseits ihrerseits einst etwa "
    "beispielsweise damals kürzlich jüngst schon sogar außerdem"
)
# Focus particles, which may stand before a subordinator ("auch wenn", "selbst wenn").
FOCUS_PARTICLES = _words("auch selbst sogar nur erst gerade")
# Academic and professional titles before a name, abbreviated with a period ("Dr. Hugo
# Stein", "Mag. Maria Lotter"): part of no name, and no end of the phrase.
NAME_TITLES = _words("dr prof mag ing di univ med phil jur rer nat")
# Possessive determiners, which stand before a noun as an article does ("sein Kollege").
POSSESSIVES = frozenset(
    stem + ending for stem in ("mein", "dein", "sein", "ihr", "unser", "euer")
    for ending in ("", "e", "en", "em", "er", "es")
)  # fmt: skip
# Conjunctions and relative pronouns that open a subordinate clause: a subjunctive there
# ("hatte verfügt, dass … seien") is the main clause's, not reported speech of its own.
SUBORDINATORS = _words(
    "dass ob weil wenn obwohl nachdem bevor sodass damit falls sofern indem während als "
    "der die das dem den deren dessen welche welcher welches wo wie"
)
# Nouns for what someone concludes or holds, which a colon's words spell out ("Das Fazit von
# Hugo Stein: …", "Das Urteil der Richterin: …").
STATEMENT_NOUNS = _words(
    "fazit conclusio schluss schlussfolgerung urteil bilanz these meinung einschätzung "
    "antwort botschaft forderung devise credo resümee empfehlung appell diagnose prognose"
)
# Conjunctions that open a condition: a verb of saying there frames no one's words ("Wenn
# Kritiker von Sparen reden, meinen sie …").
CONDITIONAL_SUBORDINATORS = _words("wenn falls sofern sobald solange")
# Pronouns that open a clause standing for a thing ("reagiert darauf, was Nachbarn sagen",
# "…, was die Regierung bestreitet"): a verb of saying there is what the clause is about, not the
# sentence's source.
THING_CLAUSE_OPENERS = _words("was worüber wovon woran wofür womit")
# Words that open a clause of their own wherever they stand ("nicht A, sondern B"), and those
# that do after a comma ("…, dass er", "…, aber"): where a sentence is cut into claims.
CLAUSE_BREAKS = _words("sondern jedoch")
COMMA_CLAUSE_OPENERS = _words("dass nachdem bevor wodurch weil sobald falls wenn doch aber")
# Conjunctions of contrast: a negated phrase ends at one ("nicht A, sondern B").
CONTRAST_CONJUNCTIONS = _words("sondern aber doch")
# Words the speaker's name follows ("laut Brunner", "…, so Brunner").
SOURCE_MARKERS = _words("laut so")
# Words that give a reason ("weil", "wegen", "deshalb", "aus diesem Grund", "Grund sei …",
# "begründete", "ist darauf zurückzuführen", "Ursache", "nämlich").
CAUSAL_WORDS = _words(
    "weil da denn wegen aufgrund angesichts damit daher deshalb deswegen darum grund gründe "
    "gründen begründet begründete begründeten begründen begründung ursache ursachen "
    "zurückzuführen infolge zumal nämlich folglich anlass hintergrund motiv"
)
QUESTION_WORDS = _words(
    "was wer wie wo wann warum wieso weshalb welche welcher welches welchen wem wen wessen"
)
# Question words as they are mistyped, to their intended word.
QUESTION_WORD_TYPOS = {"wass": "was", "wer's": "wer"}

# Capitalised at a sentence start, these words never name anyone: articles, pronouns,
# conjunctions, prepositions, adverbs (and "Uhr", which follows every clock time).
OPENING_WORDS = _words(
    """
    der die das den dem des ein eine einen einem einer eines er sie es wir ich ihr man auch
    aber doch und oder dies diese dieser dieses damit dazu daher danach darum deshalb dann da
    dabei zudem außerdem so im in am an auf bei nach vor mit seit für zum zur wie was wer wo
    wann warum wenn als nun hier heute gestern morgen jetzt noch bis unter über laut trotz
    während zuvor zugleich gleichzeitig insgesamt allerdings ebenso darin darüber aktuell uhr
    mir mich uns dir dich euch ihm ihn ihnen von vom aus durch gegen ohne um zwischen neben
    """
)

# --- Pronouns ----------------------------------------------------------------------------

# Third person singular for a person named before ("er", "ihn"; "sie" is also plural).
PERSON_PRONOUNS = _words("er sie ihm ihn")
# The same and the possessives: words that point back at a person named before ("dass er").
PERSON_REFERENCES = PERSON_PRONOUNS | _words("sein seine seinem seinen seiner")
# Subjects of a follow-up question ("Was sagte er dazu?"): whose words, the conversation says.
SUBJECT_PRONOUNS = _words("er sie es")
# The gender a third-person pronoun asks of the person it means ("sie" may be plural too).
PRONOUN_GENDER = {"er": "m", "ihm": "m", "ihn": "m", "sie": "f"}
# Nouns for a woman that do not end in the feminine -in ("Mutter Hilde Muster").
FEMININE_PERSON_NOUNS = _words("frau mutter tochter schwester witwe großmutter ehefrau dame")
# The first person, pronouns and possessives: a speaker's own words.
FIRST_PERSON = _words(
    "ich mir mich mein meine meinen meinem meiner meines wir uns unser unsere unseren "
    "unserem unserer unseres"
)
# Modal particles of speech, not of report ("Man muss ja nur hinsehen", "Das ist halt so"): a
# sentence holding one inside is someone's words, quoted without marks.
SPOKEN_PARTICLES = _words("ja halt eh")
# Labels an interviewer's question opens with ("Frage: Wie …?").
QUESTION_LABELS = _words("frage")
# ... and the answer ("Antwort: Nein."): it names no one.
ANSWER_LABELS = _words("antwort")
# "Und: …" opening a sentence: the speaker before goes on.
GOING_ON = _words("und aber außerdem zudem nur doch allerdings trotzdem dennoch")
# "Demnach …" opening a sentence: according to the source of the sentence before.
PER_SOURCE_BEFORE = _words("demnach demzufolge")
# The first person as a subject: "Wir fordern …" is the quote's speaker reporting, no new one.
FIRST_PERSON_SUBJECTS = _words("ich wir")
# A follow-up question pointing back at the conversation ("Was sagte er dazu?", "Und dort?").
FOLLOW_UP_WORDS = (
    PRONOMINAL_ADVERBS | PERSON_PRONOUNS | SUBJECT_PRONOUNS
    | _words("ihr dort dies diese dieser dieses jener")
)  # fmt: skip
# A sentence opening with these refers to the one before ("Er …", "Damit …", "Dies …").
# Pronouns a paraphrase may replace by the noun they refer to ("diese", "ihnen" -> "den
# Soldaten"); not "er", "ihn", "ihm": a person, whom a name or a role gives.
REFERRING_PRONOUNS = _words("dies diese dieser dieses diesen diesem ihnen")
BACK_REFERENCE_OPENERS = _words(
    "er sie es damit dies diese dieser dieses dazu das dabei darin darüber daher deshalb "
    "dennoch zudem außerdem"
)

# --- Writing: where a period ends no sentence --------------------------------------------

# Abbreviations: those written capitalised ("Nr.", "Prof.", "Mio."), and those written in
# lower case ("bzw."), apart: "mag." ends a sentence, "Mag." (Magister) does not.
ABBREVIATIONS = _words(
    "abb abg abs anm apr aufl aug bd bhf bsp chr dez dipl dr feb febr fr gebr hbf hr hrsg ing "
    "jan jh jhd kap mag mio mrd nov nr okt pkt prof sept st std str tel tsd univ verf vors ziff"
)
LOWER_ABBREVIATIONS = _words(
    "bspw bzgl bzw ca dt ehem einschl engl etc evtl ff franz gegr geb gest ggf ggü inkl insb "
    "jur kath lat max med rd resp sog usw usf vgl vs zzgl zit"
)
# Words before "6." that make it an ordinal ("am 6. Januar", "der 2. Weltkrieg").
ORDINAL_CONTEXT = _words(
    "am im vom zum beim ins ans aufs ums übers fürs durchs vors der die das dem den des ab seit "
    "bis ihr ihre ihrem ihren sein seine seinem seinen jeden jede jeder"
)
# Nouns counted with an ordinal ("im frühen 16. Jahrhundert", "in der 23. Runde"): "16." before
# one of them is a number, whatever word comes before it. Matched with an inflection ending.
ORDINAL_NOUNS = _words(
    "jahrhundert jahrtausend jahrestag geburtstag lebensjahr spieltag runde minute etappe "
    "stock stockwerk etage bezirk klasse mal auflage kalenderwoche quartal halbjahr halbzeit "
    "legislaturperiode amtszeit sitzung"
)
# Words a new sentence often starts with: after "X." one of these (capitalised) starts a
# sentence, where a name would follow an initial ("Maria E. Lotter").
SENTENCE_STARTERS = _words(
    "der die das den dem des ein eine einen einem er sie es wir ich man auch aber doch und "
    "dies diese dieser dieses damit dazu daher danach darum deshalb dann da dabei zudem "
    "außerdem so im in am an auf bei nach vor mit seit für zum zur wie was wer wo wenn als "
    "nun hier heute jetzt noch bis unter über laut trotz während"
)

# --- Verbs -------------------------------------------------------------------------------

# Reporting verbs as lemmas (HanTa reads "sagte", "erklärten", "mitgeteilt" to them).
REPORTING_VERBS = _words(
    """
    sagen erklären betonen schreiben warnen fordern meinen bekräftigen unterstreichen
    ergänzen berichten bestätigen kritisieren versichern mahnen appellieren behaupten
    bestreiten versprechen zitieren bezeichnen pochen signalisieren beklagen loben klarstellen
    mitteilen ankündigen attestieren bescheiden erzählen raten empfehlen argumentieren
    verurteilen beschreiben entgegnen antworten widersprechen kontern einräumen zugeben
    verlangen plädieren deponieren vorwerfen hinzufügen ausführen erwidern durchblicken
    verlauten erläutern dementieren hervorheben anmerken beteuern einwenden präzisieren
    begründen verdeutlichen schildern monieren bemängeln beanstanden resümieren bilanzieren
    """
)
# Verbs that report speech used reflexively ("beklagte sich X", "äußerte sich X", "fragt sich
# X, ob …": the subject after "sich"), and only so ("fragte den Minister" asks no words of
# its own); any other verb used so reports nothing ("bestätigte sich der Verdacht").
REFLEXIVE_REPORTING_VERBS = _words("äußern beklagen fragen")
# Verbs of feeling that report only reflexively right after the words they frame ("Das war
# miserabel, ärgerte sich der Trainer", "…, freute sich X"); elsewhere they report nothing.
FEELING_REPORTING_VERBS = _words("ärgern freuen")
# Verbs that report only right after the words they frame ("…, kommentierte X"); elsewhere
# they take an object ("ein Reporter kommentiert das Spiel").
FRAMING_ONLY_REPORTING_VERBS = _words("kommentieren")
# Texts a person or a body issues: the verb of a clause that says it is in one is a verb of
# saying ("zeigt sich in einer Aussendung zufrieden", "warnt in einer Stellungnahme vor …").
RELEASE_NOUNS = _words(
    "aussendung presseaussendung mitteilung pressemitteilung erklärung presseerklärung "
    "stellungnahme"
)
# Verbs of saying whose perfect participle reports speech too ("hatte … angekündigt"); the
# participle of a verb of judging does not ("hatte … kritisiert").
SAYING_VERBS = _words(
    "sagen erklären betonen warnen fordern behaupten bestreiten versprechen klarstellen "
    "bezeichnen mitteilen ankündigen berichten schreiben zugeben einräumen"
)
# Verbs that report only with a separable particle or complement closing the clause ("teilte
# … mit", "machte … deutlich", "gab … zu bedenken"), by the lemma HanTa gives the finite verb.
REPORTING_PARTICLES = {
    "teilen": ("mit",),
    "kündigen": ("an",),
    "führen": ("aus",),
    "fügen": ("hinzu",),
    "machen": ("deutlich", "klar", "aufmerksam"),
    "stellen": ("klar", "fest"),
    "sichern": ("zu",),
    "räumen": ("ein",),
    "geben": ("an", "zu bedenken", "zu", "bekannt"),
    "werfen": ("vor",),
    "gehen": ("aus",),
    "weisen": ("hin", "zurück"),
    "halten": ("fest",),
    "rufen": ("auf",),
    "finden": ("heraus",),
    "streichen": ("heraus",),
    "wiegeln": ("ab",),
    "streiten": ("ab",),
}
# Verbs of knowing, believing and showing: they report only right after the content they
# frame ("…, wusste der Trainer", "…, ergab eine Studie", "– das zeigt eine Umfrage"), since
# elsewhere they take a thing for object ("sah den Wagen").
FRAMING_VERBS = _words(
    """
    wissen sehen glauben erwarten vermuten hoffen fürchten befürchten zeigen ergeben
    suggerieren belegen andeuten nahelegen schätzen finden folgern schließen
    """
)
# Verbs of expecting and believing that state their subject's view with a thing for object
# when the subject opens the sentence ("Quendlinger erwartet einen langen Winter", "Die
# Behörde sieht darin keinen Verstoß"): their subject speaks, as with a verb of saying.
VIEW_VERBS = _words("sehen erwarten glauben befürchten fürchten vermuten bezweifeln")
# Verbs that report with a prepositional object anywhere after them ("verwies darauf, dass").
REPORTING_OBJECTS = {
    "verweisen": ("darauf",),
    "sprechen": ("von", "vom", "davon"),
    "erinnern": ("daran",),
}
# The inflected forms of the reporting verbs (and reflexive ones) questions ask with ("Was
# sagte …", "Wer hat … gefordert", "Wie äußerte sich …"), by lemma. Question analysis reads
# these without a lemmatiser: loading HanTa would cost a cold `qa ask` its 0.3 s. A reporting
# verb not listed here is read in articles only.
QUESTION_REPORTING_FORMS = {
    "sagen": ("sagt", "sagte", "sagten", "gesagt"),
    "erklären": ("erklärt", "erklärte", "erklärten"),
    "betonen": ("betont", "betonte", "betonten"),
    "schreiben": ("schreibt", "schrieb", "geschrieben"),
    "meinen": ("meint", "meinte", "gemeint"),
    "fordern": ("fordert", "forderte", "gefordert"),
    "warnen": ("warnt", "warnte", "gewarnt"),
    "mitteilen": ("teilte", "teilten", "mitgeteilt"),
    "ankündigen": ("kündigte", "kündigten", "angekündigt"),
    "beschreiben": ("beschrieb", "beschrieben"),
    "bezeichnen": ("bezeichnete",),
    "äußern": ("äußert", "äußerte", "geäußert"),
    "berichten": ("berichtet", "berichtete"),
    "bekräftigen": ("bekräftigt", "bekräftigte"),
    "versprechen": ("versprach", "versprochen"),
    "kritisieren": ("kritisiert", "kritisierte"),
    "antworten": ("antwortete", "geantwortet"),
    "erwidern": ("erwiderte",),
    "entgegnen": ("entgegnete", "entgegnet"),
    "behaupten": ("behauptet", "behauptete", "behaupteten"),
}
# Verbs that ask for someone's words without reporting speech in an article: an opinion
# ("Was hält X von …"). A reaction ("Wie reagierte X auf …") may be a deed: a how-question.
QUESTION_OPINION_FORMS = {"halten": ("hält", "hielt")}
# Reporting verb forms that frame a sentence as someone's words ("sagte Brunner", "Brunner
# erklärte"): the meaning check reads its speaker by them, without a lemmatiser.
SPEECH_FORMS = _words(
    "sagte sagt sagten sage erklärte erklärt erklärten betonte betont schrieb schreibt warnte "
    "meinte teilte kündigte versprach versprochen forderte bekräftigte erinnerte berichtete "
    "sprach äußerte hieß"
)
# Separable verb particles closing a clause ("tritt … zurück"): they belong to its verb.
SEPARABLE_PARTICLES = _words("ab an aus zu zurück vor mit ein auf fest teil")
# Subjunctive I, the mood of reported speech: "sein" and the auxiliaries and modals, and
# common verbs whose form the stem + e rule misses or HanTa does not tag ("handele").
SUBJUNCTIVE_I = _words(
    "sei seien habe werde könne müsse solle wolle gebe brauche bleibe stehe gehe liege "
    "handele dürfe wisse komme trage"
)
# Subjunctive II: reported speech right after a reporting sentence, else a condition.
SUBJUNCTIVE_II = _words(
    "stünde stünden läge lägen müsste müssten würde würden wäre wären hätte hätten"
)
# Finite auxiliaries and modals: a question opening with one asks yes or no ("Ist …").
AUXILIARY_FORMS = _words(
    "ist sind hat haben hatte hatten wird werden wurde wurden war waren gibt gab"
)
MODAL_FORMS = _words("kann können soll sollen will wollen darf dürfen muss müssen")
# Past forms of the passive auxiliary: a sentence with one ("wurde gewählt") need not name who
# acts first; a passive names them after "von" ("wird von Haberl vertreten", a regex).
PASSIVE_AUXILIARIES = _words("wurde wurden worden")
PASSIVE_AGENT_PATTERN = r"\b(wird|werden|wurde|wurden|worden)\b[^.;:]*\b(von|vom)\b"
NEGATIONS = _words("nicht kein keine keinen keinem keiner keines nie niemals nichts weder")
# Adjectives that hedge the noun they qualify: "ein mutmaßlicher Diebstahl" is not one
# (stems: the inflected forms follow).
HEDGE_ADJECTIVES = ("möglich", "mutmaßlich", "angeblich", "vermeintlich", "potenziell")

# --- Claims: regexes over lower-case text (the meaning check) ----------------------------

# Modality: possible ("könnte", "vielleicht", "erwägt"), and intended, planned, expected,
# promised or announced ("will", "soll", "geplant", "zugesagt", "kündigte … an"); anything
# else is stated as fact.
POSSIBLE_PATTERN = (
    r"\bkönn(?:te|ten|e|en)?\b|\bkann\b|\bmöglicherweise\b|\beventuell\b|\bvielleicht\b|"
    r"\bin aussicht\b|\bhofft?\b|\bhoffen\b|\berwäg|\bdenkbar\b|\bangedacht\b|\bvorstell|"
    r"\bmöglich\b|\bangeblich\b"
)
INTENDED_PATTERN = (
    r"\bwill\b|\bwoll(?:en|te|ten|e)?\b|\bplan(?:t|en|te|ten)\b|\bgeplant\b|"
    r"\bsoll(?:en|e|te|ten)?\b|\bbereit\b|\berwartet\b|\bbeabsichtig|\bvorgesehen\b|\bversproch|"
    r"\bversprach|\bzugesagt\b|\bzusag|\bangekündigt\b|\bkündig(?:t|te|ten)\b(?=[^.;:]*\ban\b)"
)
# Verbs that negate what they take ("lehnte … ab", "schloss … aus", "kritisierte").
REJECTION_PATTERN = (
    r"\blehn(?:t|en|te|ten)\b(?=[^.;:]*\bab\b)|\babgelehnt|\bablehn|\bbestr(?:e|i)it|"
    r"\bschlo(?:ss|ß)\b(?=[^.;:]*\baus\b)|\bausgeschlossen|\bausschließ(?!lich)|\bverweiger|"
    r"\bzurückgewiesen|\bkritisier|\bverurteil|\bdementier"
)
# A condition: "sobald", "falls", "im Falle eines", "nach einem", "unter der Bedingung"; not
# the concessive "wenn auch", "auch wenn" (even though).
CONDITION_PATTERN = (
    r"\bsobald\b|\bfalls\b|\bsofern\b|(?<!auch )\bwenn\b(?! auch\b)|"
    r"\bim fall(?:e)? (?:eines|einer)\b|"
    r"\bnach (?:einem|einer)\b|\bvor (?:einem|einer)\b|\bunter der bedingung"
)
# Which way an amount or a standing goes: up ("höher", "gestiegen", "gewinnen") or down
# ("geringer", "sank", "verlieren"). Not "mehr"/"weniger", which more often count or end
# something ("nicht mehr") than compare.
_COMPARED = r"(?:e[nmrs]?)?\b"
RISING_PATTERN = (
    rf"\b(?:höher|größer|besser|stärker|teurer){_COMPARED}|\b(?:an)?steig(?:en|t|end\w*)\b|"
    r"\b(?:an)?stieg(?:en)?\b|\bgestiegen\b|\bzunehm\w*|\bzugenommen\b|\bwächst\b|"
    r"\b(?:ge)?wachsen\b|\bzuleg(?:en|t)\b|\bzugelegt\b|\bgewinn(?:en|t)\b|\bgewann(?:en)?\b|"
    r"\bgewonnen\b"
)
FALLING_PATTERN = (
    rf"\b(?:geringer|niedriger|schlechter|schwächer|billiger){_COMPARED}|\bsink(?:en|t|end\w*)\b|"
    r"\bsank(?:en)?\b|\bgesunken\b|\b(?:ge)?schrumpf\w*|\babnehm\w*|\babgenommen\b|"
    r"\brückläufig\w*|\bzurückge(?:gangen|hen|ht)\b|\bverlier(?:en|t)\b|\bverlor(?:en)?\b"
)
# A bound right before a number: from below ("mehr als 5.000", "mindestens") or from above
# ("bis zu 5.000", "höchstens"), as words.
LOWER_BOUNDS = ("mehr als", "über", "mindestens", "wenigstens")
UPPER_BOUNDS = ("bis zu", "weniger als", "höchstens", "maximal", "unter", "nicht mehr als")
# A change by a factor: word stems over lower-case text, and the factor ("verdoppelt": 2).
MULTIPLES = {
    "verdopp": 2.0, "doppelt": 2.0, "verdreifach": 3.0, "dreifach": 3.0, "vervierfach": 4.0,
    "vierfach": 4.0, "verzehnfach": 10.0, "zehnfach": 10.0, "halbier": 0.5,
}  # fmt: skip
# Words that give a reason without doubt ("weil", "wegen", "dank"; not "da", which is more
# often "there" or "then"): a claim giving one needs a reason in its quote (`CAUSAL_WORDS`).
REASON_PATTERN = r"\b(?:weil|wegen|aufgrund|dank|infolge|zumal)\b"
# Order in time: before ("bevor", "vor dem …") and after ("nachdem", "nach dem …").
ORDER_PATTERNS = {
    "before": r"\bbevor\b|\bvor (?:dem|der|einem|einer|seinem|seiner|ihrem)\b",
    "after": r"\bnachdem\b|\bnach (?:dem|der|einem|einer|seinem|seiner)\b",
}

# --- Nouns -------------------------------------------------------------------------------

# Role nouns, and endings of compounds of them: "Bundeskanzler", "US-Sondergesandte",
# "Nato-Chef", "Außenministerin".
ROLE_NOUNS = _words(
    """
    kanzler kanzlerin präsident präsidentin minister ministerin sprecher sprecherin chef
    chefin korrespondent korrespondentin gesandte gesandter berater beraterin sekretär
    sekretärin vorsitzende vorsitzender leiter leiterin botschafter botschafterin kommandeur
    bürgermeister bürgermeisterin abgeordnete abgeordneter politiker politikerin beamte
    beamter kollege republikaner demokrat demokratin diplomat diplomatin general experte
    expertin analyst analystin reporter reporterin moderator gouverneur unterhändler
    landesrat landesrätin stadtrat stadträtin obmann obfrau professor professorin trainer
    trainerin direktor direktorin anwalt anwältin arzt ärztin bischof bischöfin papst
    kapitän kapitänin kommandant kommandantin kommissar kommissarin intendant intendantin
    dirigent dirigentin kandidat kandidatin coach goalie oberst produzent produzentin
    """
)
# Lower-case words inside a name ("Hans von Quendlinger", "Anna le Falkenrath").
NAME_PARTICLES = _words("von van de le la di da del dos du ten ter al bin ibn")
# ... and the articles after one of them ("von der Brodnik", "van den Berg").
NAME_ARTICLES = _words("der den")
# Roles that speak for someone else: "sagte der Sprecher" after a minister is named is the
# minister's spokesman, not the minister ("Regierungssprecher", "Anwältin" by their endings).
AGENT_NOUNS = tuple(_words("sprecher sprecherin anwalt anwältin verteidiger verteidigerin"))


def is_agent_noun(word: str) -> bool:
    return word.lower().rsplit("-", 1)[-1].endswith(AGENT_NOUNS)


# Nouns for a member of a party: the short form before one is a party ("XPD-Politiker").
PARTY_MEMBER_NOUNS = _words(
    """
    politiker politikerin abgeordnete abgeordneter mandatar mandatarin parteichef parteichefin
    parteivorsitzende parteivorsitzender parteimitglied
    """
)
# Endings of common nouns, which a first name or surname does not have; capitalised
# adjectives at a line start ("Internationale Gespräche") end like adjectives.
NOUN_SUFFIXES = tuple(
    "ung ungen heit heiten keit keiten schaft schaften ion ionen tät ismus nis tum ment enz "
    "anz ik ien ität ische ischen ale alen liche lichen ige igen ierte".split()
)
# Of those, the endings names have too ("Brodnik", "Lorenz"): a noun only if the lexicon knows it.
NAME_LIKE_NOUN_SUFFIXES = ("ik", "enz")
# Endings of nouns for people ("Forscherin", "Verhandler", "Psychologe", "Stadtoberhaupt").
# Of the nouns in -or only those for people: "Tresor", "Faktor", "Sektor", "Tor" are things.
PERSON_NOUN_SUFFIXES = tuple(
    "er erin entin ist istin antin eur eurin oge ogin atin mann frau chef chefin haupt ling "
    "person autor autorin direktor direktorin professor professorin doktor doktorin rektor "
    "rektorin moderator moderatorin senator senatorin investor investorin lektor lektorin "
    "inspektor inspektorin kurator kuratorin organisator organisatorin initiator initiatorin "
    "juror jurorin diktator kommentator kommentatorin mentor mentorin pastor pastorin sponsor "
    "koordinator koordinatorin regulator tenor".split()
)
# Nouns for places: a "welche …" question asks a place with them ("Welche Stadt …", "In
# welchem Land …"), and after a preposition they name where ("im Stadion", "am Flughafen").
PLACE_NOUNS = _words(
    "stadt land ort region staat gemeinde bundesland kontinent dorf bezirk stadtteil viertel "
    "provinz kanton insel küste hafen flughafen bahnhof stadion halle straße gasse grenze"
)
# Nouns for a person as such, no role ("Welche Person …").
PERSON_NOUNS = _words("person mensch mann frau")
# Nouns (and compound endings) for bodies that speak as one ("teilte die Polizei mit").
INSTITUTION_NOUNS = tuple(
    "polizei regierung ministerium gericht gerichtshof behörde kommission partei verband "
    "konzern unternehmen hilfswerk amt kammer gewerkschaft staatsanwaltschaft verwaltung "
    "agentur armee militär bank institut rat senat parlament ausschuss vorstand sekretariat "
    "direktion wache exekutive präsidentschaft feuerwehr rettung gemeinde opposition fraktion "
    "präsidium anstalt zentrale bundesheer botschaft bund".split()
)
# Nouns (and compound endings) for a publication or broadcaster, which speaks under its
# name ("berichtete die Tageszeitung Tagblatt"), not as the noun alone ("laut Zeitung").
MEDIA_NOUNS = tuple("zeitung magazin blatt sender".split())
# Nouns (and compound endings) that stand before an organisation's name without speaking as
# the noun alone: "die Initiative X", "die Stiftung X", "der Branchendienst X".
ORGANISATION_NOUNS = tuple(
    "initiative stiftung verein organisation fonds portal dienst netzwerk plattform "
    "universität uni hochschule akademie institut klub club".split()
)
# Of these, the nouns that are the first word of the name they stand before ("Universität
# Bruggenau", "Institut für …"), unlike "die Tageszeitung X", whose name is X.
NAME_OWNING_NOUNS = tuple(
    "universität uni hochschule akademie institut initiative stiftung".split()
)
# Small words inside an organisation's name ("Institut für …", "Universität der Künste",
# "Bank of …"), German and English.
NAME_CONNECTORS = frozenset("für der des von und de of for the".split())
# Institution nouns whose compounds name one body ("Verkehrsministerium", "Weltbank",
# "Presserat"), unlike "Familienunternehmen" or "Regierungspartei".
NAMED_BODY_NOUNS = frozenset(
    "ministerium gericht gerichtshof behörde kommission hilfswerk amt kammer gewerkschaft "
    "staatsanwaltschaft agentur bank institut rat senat parlament polizei".split()
)
# Legal forms and their like that end a firm's or a body's name: "Talbote AG".
LEGAL_FORMS = frozenset(
    "ag gmbh se kg og inc ltd llc corp group holding industries university college "
    "foundation institute".split()
)
# Compound endings that look like nouns for a person ("-er") but name a firm or a machine:
# "Autohersteller Talbote", "der Versicherer Quellspiegel", "Browser X".
FIRM_NOUNS = tuple(
    "hersteller autobauer versicherer betreiber anbieter zulieferer diskonter mobilfunker "
    "browser computer server".split()
)
# Nouns (and compound endings) for texts that state findings or views ("ergab eine Studie",
# "laut einem Urteil", "so die abschließende Stellungnahme"), in the singular.
DOCUMENT_NOUNS = tuple(
    "studie umfrage untersuchung erhebung analyse bericht urteil website webseite statement "
    "stellungnahme kritik statistik gutachten mitteilung erklärung".split()
)
# Small numbers in words, with their values ("vor drei Tagen").
NUMBER_VALUES = {
    "ein": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
    "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwanzig": 20, "dreißig": 30,
}  # fmt: skip
# Large numbers and parts, in words ("drei Millionen", "die Hälfte"); a sum of money may
# abbreviate the large ones ("3,5 Mio. Euro").
MAGNITUDES = _words("tausend million millionen milliarde milliarden")
MAGNITUDE_ABBREVIATIONS = _words("mio mrd")
FRACTIONS = _words("hälfte drittel viertel")
# Number words that only count ("ein" is far more often the article than "one").
COUNTING_WORDS = frozenset(NUMBER_VALUES) - {"ein", "einem"}
# Words that count or measure (with the indefinite article, "one").
NUMBER_WORDS = COUNTING_WORDS | MAGNITUDES | FRACTIONS | _words("hundert dutzend prozent")

# Amounts a question may ask for (`analysis.question.amount`) and a sentence may state
# (`answering.answer_types`, with MAGNITUDES and FRACTIONS above): a sum of money ("3,5
# Millionen Euro", "€ 20") or a share ("28,14 Prozent", "die Hälfte").
CURRENCIES = _words("euro dollar franken pfund yen yuan rubel cent")
# The words of a question after a sum of money: what it costs or pays, a fee ("Preis" alone
# is as often a prize: "Welchen Preis gewann der Film?").
MONEY_QUESTION_PATTERN = (
    r"\b(?:kost\w*|\w*(?:kauf|miet)s?preis(?:e[sn]?)?|\w*geld(?:e[rs]?|s)?|(?:be)?zahl(?:t|te|ten|en)"
    r"|teuer\w*|\w*summen?|\w*betrag|\w*beträge|umsatz\w*|\w*gehalt|\w*gehälter|verdien\w*"
    r"|\w*honorar\w*|\w*gebühr(?:en)?|\w*lohn|\w*löhne|\w*budget\w*|\w*investition(?:en)?|euro"
    r"|dollar)\b"
)
# ... after a share: a per cent, a part.
PERCENT_QUESTION_PATTERN = r"\b(?:\w*prozent\w*|\w*anteil\w*|quote)\b"


# A count in a text: digits ("129", "2.000", "3,5") or a number word ("zwei", "Dutzend").
COUNT_PATTERN = r"\d+(?:[.,]\d+)*|\b(?:" + alternatives(NUMBER_WORDS) + r")\b"
_COUNT = re.compile(COUNT_PATTERN, re.IGNORECASE)
# A count inside an adjective of measure: "dreiminütigen", "zweistündige", "fünfköpfige",
# "zehnjährige", "dreifache" (a number word, then what it measures).
MEASURE_SUFFIXES = _words(
    "minütig stündig tägig wöchig monatig jährig köpfig fach stellig teilig seitig stöckig"
)
COUNT_COMPOUND_PATTERN = (
    r"\b(?:"
    + alternatives(COUNTING_WORDS | {"hundert", "tausend"})
    + r")(?:"
    + alternatives(MEASURE_SUFFIXES)
    + r")\w*"
)


def is_count(word: str) -> bool:
    """A number, in digits or words ("129", "2.000", "zwei"), perhaps before a comma."""
    return _COUNT.fullmatch(word.rstrip(".,")) is not None


# --- Search and language detection ------------------------------------------------------

# Dropped from keyword search: articles, pronouns, auxiliaries, conjunctions, question words.
STOPWORDS = _words(
    """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes auch auf aus bei beim bin bis bist da damit dann das dass dasselbe dazu dein
    deine dem den denn der des dessen deshalb die dies diese diesem diesen dieser dieses doch
    dort du durch ein eine einem einen einer eines einig einige er es etwas euer für gegen
    gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre im in
    indem ins ist jede jedem jeden jeder jedes jene jetzt kann kein keine können könnte machen
    man manche mein mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein
    seine sich sie sind so solche soll sollte sondern sonst über um und uns unser unter viel
    viele vielen wenige
    vom von vor war waren warum was weil welche welchem welchen welcher welches wenn wer werde
    werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar
    zwischen wieso weshalb wann wem wen wessen hätte womit wohin woher worüber wozu
    wodurch worauf worum wovon
    """
)
# Words that carry no claim: the meaning check compares a sentence with its quote by the rest
# (articles, auxiliaries, pronouns, prepositions, conjunctions, fillers like "etwa").
CLAIM_STOPWORDS = _words(
    """
    der die das den dem des ein eine einen einem einer eines und oder ist sind war waren
    sei seien wird werden wurde wurden worden hat haben hatte hatten habe mit von zu zum zur
    im in auf für über bei beim nach aus sich auch noch dazu es als an am um so wie dass
    diese dieser dieses dies diesen er sie ihr ihre ihren ihrem sein seine seiner seinem
    seinen wir uns man nur mehr etwa zudem daran darum damit dabei aber doch jedoch sondern
    allem vor durch gegen unter zwischen insgesamt zugleich danach zuvor parallel
    """
)
# Lower-case words of a bare answer besides names and numbers ("im September", "rund 40",
# "jeden Tag"): none is a verb, so the answer claims no action.
FRAGMENT_WORDS = _words(
    "in im am um von vom seit bis der die das den dem des ein eine jeden jede jedem rund etwa"
)
# German words English spells alike: in an English sentence they are English ("also", "will").
SHARED_WITH_ENGLISH = _words("also will hand plan rest kind fast warm arm elf")
# Words that tell a short question is German: function words, question words, the reporting
# verbs and time words questions use. Not the stopwords: those include words English spells
# alike ("also", "will", "in"), which would tip an English question.
LANGUAGE_MARKERS = _words(
    """
    der die das den dem des ein eine einen einem einer und oder ist sind war waren wer was wie
    wo wann warum wieso welche welcher welches welchen hat haben hatte wird werden wurde wurden
    nicht mit von zu zum zur im auf für über sagte sagten bei nach aus sich auch noch dazu
    gibt es viele wieviele kann können soll sollen mehr als um ich du wir ihr sie schrieb
    erklärte betonte forderte warnte teilte gestern heute zuletzt seit
    """
)

"""English word tables: general knowledge of the language, nothing of any article.

English meets the German articles in questions (and in quotes of English speakers), so these
tables are smaller than German's; each is written once and imported by the analysers.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- Dates -------------------------------------------------------------------------------

MONTHS = tuple(
    "January February March April May June July August September October November December".split()
)
WEEKDAYS = tuple("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "apr": 4, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
TIME_ADVERBS = _words("today yesterday")
RECENT = _words("recently last latest")

# --- Function words ----------------------------------------------------------------------

ARTICLES = _words("the a an")
PREPOSITIONS = _words(
    "about above after against at before between by during for from in into of on over since "
    "to towards under with without"
)
# Prepositions whose noun is no clause's subject (see german.GOVERNING_WORDS): those the
# meaning check was measured with.
GOVERNING_WORDS = PREPOSITIONS - _words("above during over since under without")
PLACE_PREPOSITIONS = _words("in at from to")
# Those after which a name is a place ("in Dornbach", "to Lisbon").
PLACE_NAME_PREPOSITIONS = PLACE_PREPOSITIONS | _words("into")
# Those that place a claim ("in Vienna"), and those that give its direction ("to Kyiv").
LOCATIVE_PREPOSITIONS = _words("in at inside within")
DIRECTIONAL_PREPOSITIONS = _words("to into towards")
# Conjunctions of contrast: a negated phrase ends at one ("not A but B").
CONTRAST_CONJUNCTIONS = _words("but")
# Joining words: a negation's scope ends at them ("without notice and her colleagues").
COORDINATORS = _words("and or")
# Words that open a clause of their own: where a sentence is cut into claims.
CLAUSE_BREAKS = CONTRAST_CONJUNCTIONS | _words("that after before once if because while which when")
# "What did Smith say else …": words a question puts after the name it asks about.
PARTICLES = _words("else")
CAUSAL_WORDS = frozenset(
    {"because", "due to", "since", "so that", "in order to", "reason", "reasons", "owing to",
     "as a result", "therefore", "cause", "caused"}
)  # fmt: skip
QUESTION_WORDS = _words("what who how where when why which whom whose")
QUESTION_WORD_TYPOS = {"waht": "what", "wat": "what", "whta": "what"}
# Capitalised at a sentence start, these words never name anyone.
OPENING_WORDS = _words(
    """
    the a an it he she they we i this that these those his her their its and or but in on at
    to of for with by from as after before when where what who why how which also then today
    yesterday
    """
)
TITLES = _words("mr mrs ms dr")

# --- Pronouns ----------------------------------------------------------------------------

PERSON_PRONOUNS = _words("he she him")
# The same, possessives and "they": words that point back at a person named before.
PERSON_REFERENCES = PERSON_PRONOUNS | _words("his her they")
PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f"}
SUBJECT_PRONOUNS = _words("he she it they")
FIRST_PERSON_SUBJECTS = _words("i we")
BACK_REFERENCE_OPENERS = _words("he she it this that they")
# Labels an interviewer's question opens with ("Question: How …?").
QUESTION_LABELS = _words("question q")
# ... and the answer ("Answer: No."): it names no one.
ANSWER_LABELS = _words("answer a")
# A follow-up question pointing back at the conversation ("What did he say about it?").
FOLLOW_UP_WORDS = (
    SUBJECT_PRONOUNS
    | PERSON_PRONOUNS
    | _words("them her his its their there that this those these")
)

# --- Writing: where a period ends no sentence --------------------------------------------

ABBREVIATIONS = _words("co corp inc jr ltd mr mrs ms mt sr st")  # written capitalised
SENTENCE_STARTERS = _words("the it he she they we this")  # after "X." (see german.py)

# --- Verbs -------------------------------------------------------------------------------

# Reporting verbs: lemma -> its inflected forms (English needs no lemmatiser for these).
REPORTING_VERBS = {
    "say": ("said", "says"),
    "tell": ("told",),
    "write": ("wrote", "written"),
    "announce": ("announced",),
    "state": ("stated",),
    "add": ("added",),
    "warn": ("warned",),
    "stress": ("stressed",),
    "insist": ("insisted",),
    "claim": ("claimed",),
    "demand": ("demanded",),
    "promise": ("promised",),
    "describe": ("described",),
    "allege": ("alleged",),
    "argue": ("argued",),
    "criticise": ("criticised",),
    "criticize": ("criticized",),
    "speak": ("spoke",),
    "threaten": ("threatened",),
    "characterise": (),
    "characterize": (),
}
# A question opening with one of these asks yes or no ("Does …", "Can …").
AUXILIARY_FORMS = _words("is are was were do does did has have had")
MODAL_FORMS = _words("will can could should would may must")
# The forms news text reports with: not the lemmas ("state", "claim" are as often nouns) nor
# the bare participle ("a letter written by …").
REPORTED_FORMS = frozenset(f for forms in REPORTING_VERBS.values() for f in forms) - {"written"}
# The forms that frame a sentence as someone's words ("Brunner said"): the meaning check reads
# its speaker by them.
SPEECH_FORMS = _words(
    "said says say told tells stated announced warned wrote added explained stressed emphasised "
    "emphasized promised recalled claimed declared insisted noted reported argued spoke"
)
# Past forms of "be" and "become": a sentence with one may be passive ("was elected") and need
# not name who acts first.
PASSIVE_AUXILIARIES = _words("was were been became become")
NEGATIONS = _words("not no never neither nor none nothing without")
# Words that hedge what they qualify (see german.HEDGE_ADJECTIVES).
HEDGE_WORDS = _words(
    "possible possibly potential potentially alleged allegedly suspected presumed presumably "
    "purported supposed"
)

# --- Claims: regexes over lower-case text (the meaning check, see german.py) -------------

POSSIBLE_PATTERN = (
    r"\bcould\b|\bcan\b|\bmay\b|\bmight\b|\bpossibly\b|\b(?:is|are|was|were|be) possible\b|"
    r"\bprospect\b|\bhop(?:e|es|ed|ing)\b|\bconsider|\bperhaps\b|\bpotentially\b|\ballegedly\b"
)
INTENDED_PATTERN = (
    r"\bwants?\b|\bwanted\b|\bplan(?:s|ned|ning)?\b|\bintend|\bintention|\baim(?:s|ed)?\b|\bexpect|\bshould\b|"
    r"\bwould\b|\bready\b|\bwilling\b|\bgoing to\b|\b(?:is|are|was|were) to\b|\bpromis|\bset to\b|"
    r"\bsupposed\b|\bmust\b|\bannounc"
)
# The negation contracted onto a verb ("don't", "won't").
CONTRACTED_NEGATION = r"n't\b"
REJECTION_PATTERN = (
    r"\breject|\brefus|\bden(?:y|ies|ied)\b|\brul(?:e|es|ed|ing) out\b|\bdeclin|\bcritici[sz]|"
    r"\bcondemn|\bdismiss|\boppos(?:e|es|ed)\b"
)
CONDITION_PATTERN = (
    r"(?<!even )\bif\b|\bonce\b(?! (?:again|more))|\bin the event of\b|\bin case of\b|"
    r"\bas soon as\b|\bprovided\b|\bafter an?\b|\bbefore an?\b|\bunless\b"
)
ORDER_PATTERNS = {"before": r"\bbefore\b|\bprior to\b", "after": r"\bafter\b"}
REASON_PATTERN = r"\b(?:because|due to|thanks to|owing to|as a result of)\b"
LOWER_BOUNDS = ("more than", "over", "at least", "above", "upwards of")
UPPER_BOUNDS = ("up to", "less than", "fewer than", "at most", "under", "below", "no more than")
MULTIPLES = {
    "doubl": 2.0, "twice": 2.0, "tripl": 3.0, "threefold": 3.0, "quadrupl": 4.0,
    "fourfold": 4.0, "tenfold": 10.0, "halv": 0.5,
}  # fmt: skip
RISING_PATTERN = (
    r"\b(?:higher|larger|bigger|greater|better|stronger)\b|\bris(?:e|es|en|ing)\b|\brose\b|"
    r"\bincreas\w*|\bgr(?:ow|ows|ew|own|owing)\b|\bgain(?:s|ed|ing)?\b|\bw(?:in|ins|on|inning)\b"
)
FALLING_PATTERN = (
    r"\b(?:lower|smaller|worse|weaker|cheaper)\b|\bf(?:all|alls|ell|allen|alling)\b|"
    r"\bdecreas\w*|\bdrop(?:s|ped|ping)?\b|\bshr(?:ink|inks|ank|unk|inking)\b|"
    r"\blos(?:e|es|ing|t)\b"
)

# --- Nouns -------------------------------------------------------------------------------

# Words that open a role phrase ("Prime Minister", "US President", "EU Commissioner"); German
# joins them with a hyphen ("US-Präsident"). Alone ("the EU said") they name the body itself.
ROLE_PREFIXES = _words("prime us eu nato")
# Words naming a minister's or an official's field ("Interior Minister", "Social Affairs
# Secretary", "Deputy Mayor"): part of the role, not a name, though written capitalised.
ROLE_FIELDS = _words(
    "interior foreign defence defense finance financial health economy economic economics "
    "justice education transport environment agriculture labour labor social affairs family "
    "culture science sport sports trade energy home women integration infrastructure "
    "development deputy vice"
)
ROLE_NOUNS = _words(
    "president chancellor minister secretary spokesman spokeswoman envoy chief leader "
    "ambassador premier governor rector mayor commissioner expert judge lawyer chairman "
    "chairwoman economist"
)
# Nouns a "which …" question asks a time, a place or a person with ("in what year", "Which
# countries", "What person"), in the singular.
TIME_NOUNS = _words("year month day week decade century date")
PLACE_NOUNS = _words("city country town place region state continent village district")
PERSON_NOUNS = _words(
    """
    person man woman people actor actress player coach manager minister president chancellor
    mayor judge lawyer researcher scientist expert employee worker official spokesman
    spokeswoman spokesperson politician mp leader head author writer director singer
    artist doctor journalist reporter critic economist analyst candidate founder owner
    chief boss governor senator member members wife husband son daughter mother father
    brother sister
    """
)
# Other capitalised words of titles and offices, no names ("Foreign Secretary", "Head of State",
# "Council", "Secretary General", "Special Envoy", "White House officials").
TITLE_WORDS = _words("prime foreign special state states general head official officials council")
# Small numbers in words, with their values ("three days ago").
NUMBER_VALUES = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30,
}  # fmt: skip
# Amounts (see german.py): a sum of money, a share.
CURRENCIES = _words("euro euros dollar dollars franc francs pound pounds yen yuan rouble roubles")
MAGNITUDES = _words("million millions billion billions thousand")
FRACTIONS = _words("half third quarter")
MONEY_QUESTION_PATTERN = (
    r"\b(?:costs?|costing|price[sd]?|money|pay|paid|pays|ransom|revenues?|salar(?:y|ies)"
    r"|earn\w*|spen[dt]\w*|worth|budgets?|fees?|wages?|euros?|dollars?|invest\w*)\b"
)
PERCENT_QUESTION_PATTERN = r"\b(?:percent\w*|per cent|share|proportion)\b"

# --- Search and language detection ------------------------------------------------------

STOPWORDS = _words(
    """
    a about after all also an and any are as at be been but by can could did do does for from
    had has have he her his how i if in into is it its may me more most my no not of on or
    our out over said say says she so some than that the their them then there these they
    this those to up was we were what when where which while who whom whose why will with
    would you your doing tell told many much
    """
)
# Words that carry no claim (see german.CLAIM_STOPWORDS).
CLAIM_STOPWORDS = _words(
    """
    the a an and or is are was were be been being has have had with of to in on for about at
    by from as it its this that these those they their them he she his her we our there
    also than then which who whom while into onto very mainly more most any all
    """
)
# Lower-case words of a bare answer besides names and numbers ("in September", "every day").
FRAGMENT_WORDS = _words(
    """
    in on at by of from since until the a an every each all about around some day days week
    weeks month months year years night nights morning evening daily
    """
)
# Words that tell a short question is English (see german.LANGUAGE_MARKERS).
LANGUAGE_MARKERS = _words(
    """
    the a an and or is are was were who what how where when why which whom whose has have had
    will would did does do not with of to in on for about said say says at after from by also
    there many much can could should more than it its this that these those i you we they
    """
)
# Endings of adjectives of origin ("Bavarian beer", "Styrian wine", "Japanese company"):
# before a common noun the word is the German article's adjective or compound, not a name
# it must write ("bayerisches Bier").
ORIGIN_ADJECTIVE_ENDINGS = ("an", "ian", "ese", "ish")

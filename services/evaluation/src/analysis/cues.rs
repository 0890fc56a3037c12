//! The phrase and cue lists of the built-in evaluator, as data: `rubric/*.json`, embedded at
//! build time, compiled once, and checked by [`validate`] at start-up (the service refuses
//! to start on a broken list) and in a test. Scoring reads them through [`cues`].

use std::sync::LazyLock;

use foldhash::{HashSet, HashSetExt};

use aho_corasick::AhoCorasick;
use interview_coach_common::domain::InterviewType;
use serde::Deserialize;

use super::text::{self, TermPattern};

const GATES: &str = include_str!("../../rubric/gates.json");
const NEGATION: &str = include_str!("../../rubric/negation.json");
const FILLER: &str = include_str!("../../rubric/filler.json");
const STRUCTURE: &str = include_str!("../../rubric/structure.json");
const DELIVERY: &str = include_str!("../../rubric/delivery.json");
const DERIVED: &str = include_str!("../../rubric/derived.json");

/// A cue file that is not what the evaluator needs.
#[derive(Debug, thiserror::Error)]
#[error("rubric/{file}: {reason}")]
pub struct CuesError {
    file: &'static str,
    reason: String,
}

fn fail(file: &'static str, reason: impl Into<String>) -> CuesError {
    CuesError {
        file,
        reason: reason.into(),
    }
}

/// Phrases found as whole words in one pass (aho-corasick); an empty list finds nothing.
#[derive(Debug, Default)]
pub struct Phrases(Option<AhoCorasick>);

impl Phrases {
    /// True when `normalized` (lower-case words between single spaces, with a space at
    /// each end) holds one of the phrases.
    pub fn is_match(&self, normalized: &str) -> bool {
        self.0.as_ref().is_some_and(|m| m.is_match(normalized))
    }
}

/// The pre-checks' lists.
#[derive(Debug)]
pub struct GateCues {
    /// Phrases that address the grader, as whole words.
    pub grader: Phrases,
    /// Verbs that demand a score ("give", "rate").
    pub grade_verbs: HashSet<String>,
    /// Non-answers ("i dont know", "skip"), as written.
    pub non_answers: Vec<String>,
    /// The same, as whole words.
    pub non_answer: Phrases,
}

/// What disputes a claim.
#[derive(Debug)]
pub struct NegationCues {
    /// Words before a match that a negation may be.
    pub window: usize,
    /// Negations before the claim, in its clause.
    pub before: Vec<TermPattern>,
    /// Disputes before the claim, in its sentence.
    pub contrast: Vec<TermPattern>,
    /// Disputes right after it.
    pub after: Vec<TermPattern>,
}

/// One part of a well-structured answer of a type.
#[derive(Debug, PartialEq)]
pub struct Component {
    /// Short name ("result").
    pub name: String,
    /// Relative weight within the type.
    pub weight: f64,
    /// Said when it is there.
    pub found: String,
    /// Said when it is not.
    pub missing: String,
    /// What shows it.
    pub cues: Vec<TermPattern>,
}

/// How an answer is said.
#[derive(Debug)]
pub struct DeliveryCues {
    /// Units and magnitudes ("ms", "gb", "million").
    pub units: HashSet<String>,
    /// "for example", "such as".
    pub examples: Vec<TermPattern>,
    /// "first", "because", "finally".
    pub signposts: Vec<TermPattern>,
    /// "i guess", "maybe".
    pub hedges: Vec<TermPattern>,
    /// A story told as habits ("in general", "i always").
    pub generic_story: Vec<TermPattern>,
    /// Irregular past forms ("told", "wrote"): a story's events.
    pub past_tense: HashSet<String>,
}

/// Every list, compiled.
#[derive(Debug)]
pub struct Cues {
    /// Pre-checks.
    pub gates: GateCues,
    /// Negation of red flags.
    pub negation: NegationCues,
    /// Generic filler phrases.
    pub filler: Vec<TermPattern>,
    /// Stems of words that carry no subject of their own.
    pub generic: HashSet<String>,
    /// Structure by type, in [`InterviewType::ALL`] order.
    structure: Vec<Vec<Component>>,
    /// Delivery.
    pub delivery: DeliveryCues,
    /// Words a question uses to ask, not to name its subject (left out of derived rubrics).
    pub asking_words: HashSet<String>,
}

impl Cues {
    /// The structure expected of `kind`.
    pub fn structure(&self, kind: InterviewType) -> &[Component] {
        InterviewType::ALL
            .iter()
            .position(|k| *k == kind)
            .and_then(|i| self.structure.get(i))
            .map_or(&[], Vec::as_slice)
    }
}

static CUES: LazyLock<Result<Cues, CuesError>> = LazyLock::new(load);
static EMPTY: LazyLock<Cues> = LazyLock::new(Cues::empty);

/// The compiled lists. Start-up runs [`validate`] first, so the empty fallback is never
/// what a running service scores with.
pub fn cues() -> &'static Cues {
    CUES.as_ref().unwrap_or(&EMPTY)
}

/// Loads and checks every list: each parses, every term compiles, no list is empty, the
/// components scoring relies on exist.
pub fn validate() -> Result<(), CuesError> {
    CUES.as_ref().map(|_| ()).map_err(|err| CuesError {
        file: err.file,
        reason: err.reason.clone(),
    })
}

fn parse<'a, T: Deserialize<'a>>(file: &'static str, json: &'a str) -> Result<T, CuesError> {
    serde_json::from_str(json).map_err(|err| fail(file, err.to_string()))
}

/// Compiles `terms`, refusing an empty list or a term without words.
fn compile(
    file: &'static str,
    list: &str,
    terms: &[String],
) -> Result<Vec<TermPattern>, CuesError> {
    if terms.is_empty() {
        return Err(fail(file, format!("{list} is empty")));
    }
    terms
        .iter()
        .map(|t| {
            TermPattern::new(t).ok_or_else(|| fail(file, format!("{list}: {t:?} has no words")))
        })
        .collect()
}

fn whole_words(file: &'static str, list: &str, phrases: &[String]) -> Result<Phrases, CuesError> {
    if phrases.is_empty() || phrases.iter().any(|p| p.trim().is_empty()) {
        return Err(fail(file, format!("{list} is empty or has a blank phrase")));
    }
    AhoCorasick::new(phrases.iter().map(|p| format!(" {p} ")))
        .map(|m| Phrases(Some(m)))
        .map_err(|err| fail(file, format!("{list}: {err}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGates {
    #[serde(rename = "about")]
    _about: String,
    grader_phrases: Vec<String>,
    grade_verbs: Vec<String>,
    non_answers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNegation {
    #[serde(rename = "about")]
    _about: String,
    window: usize,
    before: Vec<String>,
    contrast: Vec<String>,
    after: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFiller {
    #[serde(rename = "about")]
    _about: String,
    phrases: Vec<String>,
    generic_words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    name: String,
    weight: f64,
    found: String,
    missing: String,
    cues: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStructure {
    #[serde(rename = "about")]
    _about: String,
    technical: Vec<RawComponent>,
    behavioral: Vec<RawComponent>,
    #[serde(rename = "system-design")]
    system_design: Vec<RawComponent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDerived {
    #[serde(rename = "about")]
    _about: String,
    asking_words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDelivery {
    #[serde(rename = "about")]
    _about: String,
    units: Vec<String>,
    examples: Vec<String>,
    signposts: Vec<String>,
    hedges: Vec<String>,
    generic_story: Vec<String>,
    past_tense: Vec<String>,
}

/// Components scoring gives special treatment, by type: they must exist.
const REQUIRED: [(InterviewType, &str); 4] = [
    (InterviewType::Behavioral, "action"),
    (InterviewType::Behavioral, "result"),
    (InterviewType::Technical, "complexity"),
    (InterviewType::SystemDesign, "estimates"),
];

fn components(raw: Vec<RawComponent>, kind: InterviewType) -> Result<Vec<Component>, CuesError> {
    const FILE: &str = "structure.json";
    let mut names = HashSet::new();
    let components = raw
        .into_iter()
        .map(|c| {
            if !names.insert(c.name.clone()) || c.name.trim().is_empty() {
                return Err(fail(
                    FILE,
                    format!("{kind}: blank or repeated {:?}", c.name),
                ));
            }
            if !(c.weight > 0.0 && c.weight <= 10.0) {
                return Err(fail(
                    FILE,
                    format!("{kind} {}: weight {}", c.name, c.weight),
                ));
            }
            if c.found.trim().is_empty() || c.missing.trim().is_empty() {
                return Err(fail(FILE, format!("{kind} {}: blank feedback", c.name)));
            }
            Ok(Component {
                cues: compile(FILE, &format!("{kind} {}", c.name), &c.cues)?,
                name: c.name,
                weight: c.weight,
                found: c.found,
                missing: c.missing,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (required_kind, name) in REQUIRED {
        if required_kind == kind && !components.iter().any(|c| c.name == name) {
            return Err(fail(FILE, format!("{kind} needs a {name:?} component")));
        }
    }
    Ok(components)
}

fn load() -> Result<Cues, CuesError> {
    let stop_words =
        text::parse_stop_words().map_err(|e| fail("stop-words.json", e.to_string()))?;
    if stop_words.words.is_empty() || !stop_words.words.windows(2).all(|w| w[0] < w[1]) {
        return Err(fail("stop-words.json", "words must be sorted and distinct"));
    }

    let gates: RawGates = parse("gates.json", GATES)?;
    if gates.grade_verbs.is_empty() {
        return Err(fail("gates.json", "grade_verbs is empty"));
    }
    let gates = GateCues {
        grader: whole_words("gates.json", "grader_phrases", &gates.grader_phrases)?,
        non_answer: whole_words("gates.json", "non_answers", &gates.non_answers)?,
        grade_verbs: gates.grade_verbs.into_iter().collect(),
        non_answers: gates.non_answers,
    };

    let negation: RawNegation = parse("negation.json", NEGATION)?;
    if !(1..=20).contains(&negation.window) {
        return Err(fail("negation.json", "window must be 1 to 20 words"));
    }
    let negation = NegationCues {
        window: negation.window,
        before: compile("negation.json", "before", &negation.before)?,
        contrast: compile("negation.json", "contrast", &negation.contrast)?,
        after: compile("negation.json", "after", &negation.after)?,
    };

    let RawFiller {
        phrases,
        generic_words,
        ..
    } = parse("filler.json", FILLER)?;
    let filler = compile("filler.json", "phrases", &phrases)?;
    if generic_words.is_empty()
        || generic_words
            .iter()
            .any(|w| w.split_whitespace().count() != 1)
    {
        return Err(fail("filler.json", "generic_words must be single words"));
    }
    let generic = generic_words
        .iter()
        .map(|w| text::stem(&w.to_lowercase()))
        .collect();

    let RawStructure {
        mut technical,
        mut behavioral,
        mut system_design,
        ..
    } = parse("structure.json", STRUCTURE)?;
    let mut structure = Vec::new();
    for kind in InterviewType::ALL {
        let raw = match kind {
            InterviewType::Technical => std::mem::take(&mut technical),
            InterviewType::Behavioral => std::mem::take(&mut behavioral),
            InterviewType::SystemDesign => std::mem::take(&mut system_design),
        };
        if raw.is_empty() {
            return Err(fail("structure.json", format!("no components for {kind}")));
        }
        structure.push(components(raw, kind)?);
    }

    let delivery: RawDelivery = parse("delivery.json", DELIVERY)?;
    if delivery.units.is_empty() {
        return Err(fail("delivery.json", "units is empty"));
    }
    let delivery = DeliveryCues {
        examples: compile("delivery.json", "examples", &delivery.examples)?,
        signposts: compile("delivery.json", "signposts", &delivery.signposts)?,
        hedges: compile("delivery.json", "hedges", &delivery.hedges)?,
        generic_story: compile("delivery.json", "generic_story", &delivery.generic_story)?,
        units: delivery.units.into_iter().collect(),
        past_tense: delivery.past_tense.into_iter().collect(),
    };

    let derived: RawDerived = parse("derived.json", DERIVED)?;
    if derived.asking_words.is_empty() {
        return Err(fail("derived.json", "asking_words is empty"));
    }

    Ok(Cues {
        gates,
        negation,
        filler,
        generic,
        structure,
        delivery,
        asking_words: derived.asking_words.into_iter().collect(),
    })
}

impl Cues {
    /// No lists at all: what [`cues`] answers if the files are broken (start-up refuses
    /// them first).
    fn empty() -> Self {
        Self {
            gates: GateCues {
                grader: Phrases::default(),
                grade_verbs: HashSet::new(),
                non_answers: Vec::new(),
                non_answer: Phrases::default(),
            },
            negation: NegationCues {
                window: 0,
                before: Vec::new(),
                contrast: Vec::new(),
                after: Vec::new(),
            },
            filler: Vec::new(),
            generic: HashSet::new(),
            structure: Vec::new(),
            delivery: DeliveryCues {
                units: HashSet::new(),
                examples: Vec::new(),
                signposts: Vec::new(),
                hedges: Vec::new(),
                generic_story: Vec::new(),
                past_tense: HashSet::new(),
            },
            asking_words: HashSet::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_lists_are_valid() {
        validate().unwrap();
        let cues = cues();
        for kind in InterviewType::ALL {
            assert!(!cues.structure(kind).is_empty(), "{kind}");
        }
        assert!(cues.delivery.units.contains("ms"));
        assert!(!cues.filler.is_empty() && !cues.negation.before.is_empty());
    }

    #[test]
    fn broken_lists_are_refused() {
        assert!(compile("x.json", "l", &[]).is_err());
        assert!(compile("x.json", "l", &["--".to_owned()]).is_err());
        assert!(whole_words("x.json", "l", &[" ".to_owned()]).is_err());
        let missing_action = vec![RawComponent {
            name: "result".into(),
            weight: 1.0,
            found: "f".into(),
            missing: "m".into(),
            cues: vec!["result".into()],
        }];
        let err = components(missing_action, InterviewType::Behavioral).unwrap_err();
        assert!(err.to_string().contains("action"), "{err}");
    }
}

//! Structure expected of each interview type, found through cue phrases:
//!
//! - behavioral: STAR — situation, task, action, result — with the candidate's own actions
//!   and a measurable result weighted most, plus what was learned;
//! - technical: approach, why it is correct, complexity, edge cases, testing, alternatives;
//! - system design: requirements, estimates, API and components, data model, scaling,
//!   bottlenecks and trade-offs.

use std::sync::LazyLock;

use interview_coach_common::domain::InterviewType;

use super::text::{self, TermPattern, Token};

/// One part of a well-structured answer.
pub struct Component {
    /// Short name ("result").
    pub name: &'static str,
    /// Relative weight within the type.
    pub weight: f64,
    /// Said when it is there.
    pub found: &'static str,
    /// Said when it is not.
    pub missing: &'static str,
    cues: Vec<TermPattern>,
}

/// How one component fared.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentMatch {
    /// The component's name.
    pub name: &'static str,
    /// 0..=1 (partial for a result without a number, or few own actions).
    pub credit: f64,
    /// Relative weight.
    pub weight: f64,
    /// Said when it is there / when it is not.
    pub found: &'static str,
    /// Said when it is not.
    pub missing: &'static str,
    /// Byte range of the evidence.
    pub evidence: Option<(usize, usize)>,
}

/// The structure of one answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Structure {
    /// Per component.
    pub components: Vec<ComponentMatch>,
}

impl Structure {
    /// Weighted share of the components present, 0..=1.
    pub fn ratio(&self) -> f64 {
        let total: f64 = self.components.iter().map(|c| c.weight).sum();
        if total == 0.0 {
            return 0.0;
        }
        self.components
            .iter()
            .map(|c| c.weight * c.credit)
            .sum::<f64>()
            / total
    }
}

fn component(
    name: &'static str,
    weight: f64,
    found: &'static str,
    missing: &'static str,
    cues: &[&str],
) -> Component {
    Component {
        name,
        weight,
        found,
        missing,
        cues: text::patterns(cues),
    }
}

static BEHAVIORAL: LazyLock<Vec<Component>> = LazyLock::new(|| {
    vec![
        component(
            "situation",
            1.0,
            "Sets the scene (situation)",
            "Open with the situation: where you were, the team, and what was at stake.",
            &[
                "situation",
                "context",
                "at my previous",
                "at my last",
                "in my previous",
                "in my last",
                "when i was",
                "i was working",
                "i worked",
                "our team",
                "my team",
                "the team",
                "project",
                "company",
                "startup",
                "client",
                "customer",
                "last year",
                "a few years ago",
                "background",
                "we were",
                "deadline",
            ],
        ),
        component(
            "task",
            1.0,
            "States your responsibility (task)",
            "Say what you were responsible for: the task or goal that was yours.",
            &[
                "my role",
                "i was responsible",
                "responsible for",
                "responsibility",
                "my task",
                "the task",
                "my job",
                "goal",
                "objective",
                "i needed to",
                "i had to",
                "we needed to",
                "i was asked",
                "i was tasked",
                "challenge was",
                "problem was",
                "i owned",
                "my goal",
                "in charge",
            ],
        ),
        component(
            "action",
            2.0,
            "Describes your own actions (action)",
            "Describe what you did yourself (\"I …\"), step by step, not only what the team did.",
            &[
                "i decided",
                "i proposed",
                "i organized",
                "i organised",
                "i wrote",
                "i built",
                "i talked",
                "i spoke",
                "i met",
                "i set up",
                "i created",
                "i led",
                "i started",
                "i implemented",
                "i suggested",
                "i scheduled",
                "i analyzed",
                "i analysed",
                "i reached out",
                "i asked",
                "i prioritized",
                "i prioritised",
                "i introduced",
                "i added",
                "i changed",
                "i designed",
                "i documented",
                "i paired",
                "i escalated",
                "i negotiated",
                "i reviewed",
                "i investigated",
                "i took",
                "i made",
                "i explained",
                "i listened",
                "i gathered",
                "i broke",
                "i ran",
                "i worked with",
                "i coordinated",
                "i migrated",
                "i rewrote",
                "i automated",
                "i measured",
                "i presented",
                "i mentored",
                "i volunteered",
                "i pushed",
                "i agreed",
                "i focused",
                "i split",
                "i moved",
            ],
        ),
        component(
            "result",
            2.0,
            "Ends with the outcome (result)",
            "End with the result, measured: numbers, before and after, what changed.",
            &[
                "as a result",
                "result",
                "outcome",
                "in the end",
                "eventually",
                "ultimately",
                "reduced",
                "increased",
                "improved",
                "saved",
                "shipped",
                "launched",
                "delivered",
                "cut",
                "grew",
                "dropped",
                "went from",
                "on time",
                "succeeded",
                "success",
                "impact",
                "achieved",
                "resolved",
                "fixed",
                "met the deadline",
                "adopted",
                "promoted",
                "fewer",
                "faster",
            ],
        ),
        component(
            "reflection",
            0.75,
            "Reflects on what was learned",
            "Close with what you learned or would do differently next time.",
            &[
                "learned",
                "learnt",
                "lesson",
                "next time",
                "in hindsight",
                "looking back",
                "would do differently",
                "takeaway",
                "i realized",
                "i realised",
                "since then",
                "now i",
                "taught me",
            ],
        ),
    ]
});

static TECHNICAL: LazyLock<Vec<Component>> = LazyLock::new(|| {
    vec![
        component(
            "approach",
            1.5,
            "States a clear approach",
            "State the approach up front: the idea, the data structure or algorithm, and the steps.",
            &[
                "approach",
                "idea",
                "algorithm",
                "i would",
                "we can",
                "first",
                "step",
                "iterate",
                "traverse",
                "loop",
                "recursion",
                "recursive",
                "data structure",
                "solution",
                "the plan",
                "strategy",
                "implement",
            ],
        ),
        component(
            "correctness",
            1.0,
            "Explains why it is correct",
            "Explain why it works: the invariant or reasoning that makes it correct.",
            &[
                "because",
                "invariant",
                "guarantee",
                "guarantees",
                "ensures",
                "correct",
                "correctness",
                "proof",
                "prove",
                "this works",
                "which means",
                "therefore",
                "so that",
                "holds",
                "always",
            ],
        ),
        component(
            "complexity",
            1.5,
            "Analyses time and space complexity",
            "Give the time and space complexity (big-O) and what dominates it.",
            &[
                "complexity",
                "o(1)",
                "o(n)",
                "o(log n)",
                "o(n log n)",
                "o(n^2)",
                "big o",
                "linear time",
                "constant time",
                "logarithmic",
                "quadratic",
                "time and space",
                "space",
                "amortized",
                "amortised",
                "runtime",
                "memory",
            ],
        ),
        component(
            "edge cases",
            1.0,
            "Considers edge cases",
            "Cover edge cases: empty input, one element, duplicates, overflow, invalid input.",
            &[
                "edge case",
                "corner case",
                "empty",
                "null",
                "none",
                "overflow",
                "duplicate",
                "negative",
                "zero",
                "boundary",
                "single element",
                "invalid input",
                "nil",
                "off by one",
                "off-by-one",
                "worst case",
            ],
        ),
        component(
            "testing",
            0.75,
            "Says how to test it",
            "Say how you would test it: the cases you would run and what they check.",
            &[
                "test",
                "unit test",
                "verify",
                "assert",
                "test case",
                "check with",
                "walk through",
                "dry run",
                "example input",
                "for example",
                "benchmark",
            ],
        ),
        component(
            "trade-offs",
            0.75,
            "Weighs alternatives and trade-offs",
            "Compare with an alternative and name the trade-off (time vs memory, simplicity).",
            &[
                "trade-off",
                "tradeoff",
                "alternatively",
                "alternative",
                "instead",
                "downside",
                "on the other hand",
                "versus",
                "vs",
                "brute force",
                "naive",
                "compared to",
                "at the cost of",
                "cost",
            ],
        ),
    ]
});

static SYSTEM_DESIGN: LazyLock<Vec<Component>> = LazyLock::new(|| {
    vec![
        component(
            "requirements",
            1.0,
            "Clarifies requirements",
            "Start with requirements: functional ones, and non-functional ones (latency, availability, consistency).",
            &[
                "requirement",
                "functional",
                "non-functional",
                "assume",
                "assumption",
                "clarify",
                "scope",
                "use case",
                "users should",
                "must support",
                "sla",
                "read-heavy",
                "write-heavy",
                "read heavy",
                "write heavy",
                "availability",
                "latency",
            ],
        ),
        component(
            "estimates",
            1.0,
            "Estimates scale",
            "Estimate the scale: requests per second, storage and bandwidth, with the arithmetic.",
            &[
                "qps",
                "rps",
                "per second",
                "per day",
                "requests",
                "million",
                "billion",
                "thousand",
                "storage",
                "bandwidth",
                "back of the envelope",
                "estimate",
                "throughput",
                "tb",
                "gb",
                "peak",
            ],
        ),
        component(
            "components",
            1.0,
            "Lays out the API and components",
            "Lay out the API and the components (clients, services, load balancers, queues) and how requests flow.",
            &[
                "api",
                "endpoint",
                "service",
                "load balancer",
                "gateway",
                "component",
                "server",
                "client",
                "queue",
                "worker",
                "microservice",
                "post /",
                "get /",
                "rest",
                "grpc",
                "websocket",
                "frontend",
                "backend",
            ],
        ),
        component(
            "data model",
            1.0,
            "Defines the data model and storage",
            "Define the data model: the tables or documents, keys and indexes, and the store chosen.",
            &[
                "schema",
                "table",
                "database",
                "data model",
                "primary key",
                "index",
                "sql",
                "nosql",
                "key-value",
                "partition key",
                "column",
                "document store",
                "postgres",
                "mysql",
                "cassandra",
                "dynamodb",
                "redis",
                "blob",
                "object storage",
            ],
        ),
        component(
            "scaling",
            1.0,
            "Explains how it scales",
            "Explain how it scales: sharding, replication, caching, CDNs, autoscaling.",
            &[
                "shard",
                "sharding",
                "partition",
                "replica",
                "replication",
                "horizontal",
                "horizontally",
                "cache",
                "cdn",
                "autoscale",
                "autoscaling",
                "scale out",
                "stateless",
                "load balancing",
                "consistent hashing",
            ],
        ),
        component(
            "trade-offs",
            1.25,
            "Discusses bottlenecks and trade-offs",
            "Name the bottlenecks, failure modes and trade-offs (consistency vs availability, cost).",
            &[
                "bottleneck",
                "trade-off",
                "tradeoff",
                "hot spot",
                "hotspot",
                "single point of failure",
                "eventual consistency",
                "eventually consistent",
                "strong consistency",
                "cap",
                "failure",
                "fail over",
                "failover",
                "downside",
                "at the cost of",
                "versus",
                "vs",
                "retry",
                "backpressure",
                "rate limit",
            ],
        ),
    ]
});

fn components(kind: InterviewType) -> &'static [Component] {
    match kind {
        InterviewType::Behavioral => &BEHAVIORAL,
        InterviewType::Technical => &TECHNICAL,
        InterviewType::SystemDesign => &SYSTEM_DESIGN,
    }
}

/// Measures the structure of an answer of type `kind`.
pub fn measure(kind: InterviewType, answer: &str, tokens: &[Token]) -> Structure {
    let components = components(kind)
        .iter()
        .map(|c| {
            let hits: Vec<(usize, usize)> = c.cues.iter().filter_map(|p| p.find(tokens)).collect();
            let first = hits.iter().min_by_key(|h| h.0).copied();
            let evidence = first.map(|(from, to)| (tokens[from].start, tokens[to - 1].end));
            let credit = match (kind, c.name) {
                (InterviewType::Behavioral, "action") => action_credit(tokens, hits.len()),
                (InterviewType::Behavioral, "result") => result_credit(answer, tokens, first),
                _ if hits.is_empty() => 0.0,
                _ => 1.0,
            };
            ComponentMatch {
                name: c.name,
                credit,
                weight: c.weight,
                found: c.found,
                missing: c.missing,
                evidence,
            }
        })
        .collect();
    Structure { components }
}

/// Own actions: an "I <verb>" cue, or several first-person statements, count; "we" alone
/// counts for half.
fn action_credit(tokens: &[Token], cue_hits: usize) -> f64 {
    let first_person = tokens
        .windows(2)
        .filter(|w| w[0].word == "i" && !text::is_stop_word(&w[1].word))
        .count();
    let we = tokens.iter().filter(|t| t.word == "we").count();
    if cue_hits >= 2 || (cue_hits >= 1 && first_person >= 2) || first_person >= 4 {
        1.0
    } else if cue_hits == 1 || first_person >= 2 {
        0.75
    } else if we >= 2 {
        0.5
    } else {
        0.0
    }
}

/// A result counts fully when it is measurable: a number or percentage after the first
/// result cue (or in its sentence).
fn result_credit(answer: &str, tokens: &[Token], first: Option<(usize, usize)>) -> f64 {
    let Some((from, _)) = first else {
        return 0.0;
    };
    let sentence_start = answer[..tokens[from].start]
        .rfind(['.', '!', '?', '\n'])
        .map_or(0, |p| p + 1);
    let measured = tokens
        .iter()
        .filter(|t| t.start >= sentence_start)
        .any(|t| t.is_number() || t.word == "percent" || t.word == "half" || t.word == "twice");
    if measured { 1.0 } else { 0.5 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(kind: InterviewType, answer: &str) -> f64 {
        measure(kind, answer, &text::tokenize(answer)).ratio()
    }

    #[test]
    fn star_with_a_measured_result_beats_a_vague_story() {
        let star = "At my last company our team missed a release deadline. I was responsible for \
                    the checkout service. I proposed splitting the work and I set up daily check-ins. \
                    As a result we shipped two weeks early and errors dropped by 40%. I learned to \
                    raise risks early.";
        let vague = "We had a problem and we worked hard on it and it was fine.";
        assert!(
            ratio(InterviewType::Behavioral, star) > 0.9,
            "{}",
            ratio(InterviewType::Behavioral, star)
        );
        assert!(ratio(InterviewType::Behavioral, vague) < 0.3);
    }

    #[test]
    fn unmeasured_result_gets_half_credit() {
        let answer = "I fixed it and the outcome was good.";
        let s = measure(InterviewType::Behavioral, answer, &text::tokenize(answer));
        let result = s.components.iter().find(|c| c.name == "result").unwrap();
        assert_eq!(result.credit, 0.5);
    }

    #[test]
    fn technical_and_design_cues() {
        let technical = "My approach is a hash map; it is correct because each pair is checked once. \
                         Time complexity is O(n). Edge cases: empty input. I would unit test it, \
                         and the trade-off is memory.";
        assert!(ratio(InterviewType::Technical, technical) > 0.95);
        let design = "Requirements first. Estimate 10k QPS. An API service behind a load balancer, \
                      a Postgres schema, sharding and a cache, and the bottleneck is the write path.";
        assert!(ratio(InterviewType::SystemDesign, design) > 0.95);
        assert!(ratio(InterviewType::SystemDesign, "I like it a lot.") < 0.01);
    }
}

//! Reading text, below everything that judges it: [`text`] (words, stems, sentences, the
//! term patterns rubrics are written in) and [`cues`] (the phrase and cue lists in
//! `rubric/*.json`, embedded at build time and validated at start).

pub mod cues;
pub mod text;

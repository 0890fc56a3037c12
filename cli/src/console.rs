//! Talking to the user: prompts, answers, secrets and confirmations.
//!
//! Generic over its input and output so that every command can be driven by a test or a
//! script. When standard input is not a terminal, secrets are read as plain lines: piping
//! `coach login` works.

use std::io::{self, BufRead, IsTerminal, StdinLock, StdoutLock, Write};

use secrecy::SecretString;

use crate::errors::Error;

/// Where commands read what the user types and write what they show.
pub struct Console<R, W> {
    input: R,
    output: W,
    interactive: bool,
}

/// The console of the real terminal.
pub type Stdio = Console<StdinLock<'static>, StdoutLock<'static>>;

impl Stdio {
    /// Standard input and output; interactive when standard input is a terminal.
    pub fn stdio() -> Self {
        let interactive = io::stdin().is_terminal();
        Console::new(io::stdin().lock(), io::stdout().lock(), interactive)
    }
}

impl<R: BufRead, W: Write> Console<R, W> {
    /// A console over `input` and `output`; `interactive` when a person types the input.
    pub fn new(input: R, output: W, interactive: bool) -> Self {
        Self {
            input,
            output,
            interactive,
        }
    }

    /// True when a person types the input (prompts with defaults are worth showing).
    pub fn is_interactive(&self) -> bool {
        self.interactive
    }

    /// Where to write what the user sees.
    pub fn out(&mut self) -> &mut W {
        &mut self.output
    }

    /// Gives back the output, e.g. for a test to read what was shown.
    pub fn into_output(self) -> W {
        self.output
    }

    /// The next line without its line ending; `None` at the end of input.
    pub fn read_line(&mut self) -> io::Result<Option<String>> {
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let without_ending = line.trim_end_matches(['\n', '\r']).len();
        line.truncate(without_ending);
        Ok(Some(line))
    }

    /// Shows `label`, then reads one trimmed line; `None` at the end of input.
    pub fn prompt(&mut self, label: &str) -> io::Result<Option<String>> {
        let line = self.prompt_untrimmed(label)?;
        Ok(line.map(|line| line.trim().to_owned()))
    }

    fn prompt_untrimmed(&mut self, label: &str) -> io::Result<Option<String>> {
        write!(self.output, "{label}: ")?;
        self.output.flush()?;
        let line = self.read_line()?;
        if !self.interactive {
            // Piped input is not echoed: end the prompt's line ourselves.
            writeln!(self.output)?;
        }
        Ok(line)
    }

    /// A non-empty value for `label`; fails at the end of input.
    pub fn prompt_required(&mut self, label: &str) -> Result<String, Error> {
        loop {
            match self.prompt(label)? {
                None => return Err(Error::Input(format!("no {} given", label.to_lowercase()))),
                Some(value) if value.is_empty() => writeln!(self.output, "{label} is required.")?,
                Some(value) => return Ok(value),
            }
        }
    }

    /// A secret for `label`: typed hidden on a terminal, else read as a line.
    pub fn prompt_secret(&mut self, label: &str) -> Result<SecretString, Error> {
        let secret = if self.interactive {
            self.output.flush()?;
            rpassword::prompt_password(format!("{label}: "))?
        } else {
            self.prompt_untrimmed(label)?
                .ok_or_else(|| Error::Input(format!("no {} given", label.to_lowercase())))?
        };
        Ok(secret.into())
    }

    /// Asks a yes/no question; anything but "y" or "yes", or the end of input, is no.
    pub fn confirm(&mut self, question: &str) -> io::Result<bool> {
        let answer = self.prompt(&format!("{question} [y/N]"))?;
        Ok(matches!(
            answer.map(|a| a.to_lowercase()).as_deref(),
            Some("y" | "yes")
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use secrecy::ExposeSecret;

    use super::*;

    fn console(input: &str) -> Console<Cursor<Vec<u8>>, Vec<u8>> {
        Console::new(Cursor::new(input.as_bytes().to_vec()), Vec::new(), false)
    }

    #[test]
    fn lines_lose_their_endings_and_end_of_input_is_none() {
        let mut console = console("one\r\ntwo\n");
        assert_eq!(console.read_line().unwrap().as_deref(), Some("one"));
        assert_eq!(console.read_line().unwrap().as_deref(), Some("two"));
        assert_eq!(console.read_line().unwrap(), None);
    }

    #[test]
    fn required_prompts_ask_again_after_an_empty_line() {
        let mut console = console("\n  ada@example.com \n");
        assert_eq!(console.prompt_required("Email").unwrap(), "ada@example.com");
        let shown = String::from_utf8(console.into_output()).unwrap();
        assert!(shown.contains("Email is required."), "{shown}");
    }

    #[test]
    fn required_prompts_fail_at_the_end_of_input() {
        let err = console("").prompt_required("Email").unwrap_err();
        assert_eq!(err.to_string(), "no email given");
    }

    #[test]
    fn secrets_are_read_as_lines_when_not_interactive() {
        let secret = console(" correct horse battery\n")
            .prompt_secret("Password")
            .unwrap();
        assert_eq!(secret.expose_secret(), " correct horse battery");
    }

    #[test]
    fn only_yes_confirms() {
        assert!(console("y\n").confirm("Abandon?").unwrap());
        assert!(console("YES\n").confirm("Abandon?").unwrap());
        assert!(!console("n\n").confirm("Abandon?").unwrap());
        assert!(!console("").confirm("Abandon?").unwrap());
    }
}

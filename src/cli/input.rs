//! The inputs of one run, opened up front and read in chunks.

use std::fs::File;
use std::io::{self, Read};

use super::args::Input;
use super::sample::SAMPLE;

/// One opened input: a reader and the name to use in messages.
pub(crate) struct Source {
    /// How messages name it: the path as given, or "standard input".
    pub(crate) name: String,
    /// The bytes.
    pub(crate) reader: Box<dyn Read>,
}

impl core::fmt::Debug for Source {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Source").field("name", &self.name).finish_non_exhaustive()
    }
}

/// An input that could not be opened.
#[derive(Debug)]
pub(crate) struct OpenError {
    /// The input, as named on the command line.
    pub(crate) name: String,
    /// Why.
    pub(crate) error: io::Error,
}

impl Source {
    /// The built-in sample stream.
    pub(crate) fn sample() -> Self {
        Self { name: "the built-in sample".to_owned(), reader: Box::new(SAMPLE.as_bytes()) }
    }

    /// Standard input. Whatever a pipe delivers is parsed at once: a read
    /// as large as our buffer bypasses std's own. It is not locked here, as
    /// `-` may be named twice (the second time it is at its end already).
    fn stdin() -> Self {
        Self { name: "standard input".to_owned(), reader: Box::new(io::stdin()) }
    }

    /// Opens a file, refusing directories (which open fine but cannot be
    /// read) so that the error comes before any output.
    fn file(path: &std::path::Path) -> Result<Self, OpenError> {
        let name = path.display().to_string();
        let opened = File::open(path).and_then(|file| match file.metadata() {
            Ok(meta) if meta.is_dir() => Err(io::Error::other("Is a directory")),
            Ok(_) => Ok(file),
            Err(error) => Err(error),
        });
        match opened {
            Ok(file) => Ok(Self { name, reader: Box::new(file) }),
            Err(error) => Err(OpenError { name, error }),
        }
    }

    /// Opens every input, in order, so that a missing file is reported
    /// before anything is printed. No inputs means standard input.
    pub(crate) fn open_all(inputs: &[Input]) -> Result<Vec<Self>, OpenError> {
        if inputs.is_empty() {
            return Ok(vec![Self::stdin()]);
        }
        inputs
            .iter()
            .map(|input| match input {
                Input::Stdin => Ok(Self::stdin()),
                Input::File(path) => Self::file(path),
            })
            .collect()
    }

    /// Reads the next chunk into `buf`: `Ok(0)` at the end of this input.
    /// Retries reads interrupted by a signal.
    pub(crate) fn read_chunk(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.reader.read(buf) {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                result => return result,
            }
        }
    }
}

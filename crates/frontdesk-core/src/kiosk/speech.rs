//! Reading the kiosk's steps aloud, through the OS speech service (the `tts` crate: Speech
//! Dispatcher on Linux, WinRT on Windows, AVFoundation on macOS). The visitor turns it on at the
//! welcome screen; it is off by default. One thread owns the speech engine: a new step interrupts
//! the one being read. A PC without a speech service says so once, and the kiosk hides the switch.

use std::sync::Mutex;
use std::sync::mpsc::{self, Sender};

use serde::Serialize;
use ts_rs::TS;

use crate::Frontdesk;
use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};

/// Longest text read at once (a step's heading and prompt are far shorter).
const MAX_CHARS: usize = 2000;
/// A speech service that does not take the text in this time is treated as missing (one without
/// a working audio output can hang), so the kiosk never waits on it.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(3);

/// Whether this PC can read the kiosk aloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SpeechStatus {
    /// The OS speech service took the text.
    Speaking,
    /// No speech service here (or it refused): the kiosk hides read-aloud.
    Unavailable {
        /// Why, for staff.
        reason: String,
    },
}

struct Utterance {
    text: String,
    lang: String,
    done: Sender<std::result::Result<(), String>>,
}

/// The speech engine's thread, started by the first request.
#[derive(Default)]
pub(crate) struct SpeechHub {
    queue: Mutex<Option<Sender<Utterance>>>,
}

/// What may be read: control characters out, whitespace folded, at most [`MAX_CHARS`].
fn readable(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        let word: String = word.chars().filter(|c| !c.is_control()).collect();
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out.chars().take(MAX_CHARS).collect()
}

/// The language part of a BCP 47 tag, lower case (`fr-CA` → `fr`), or empty.
fn language(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .filter(|l| l.len() <= 8 && l.chars().all(|c| c.is_ascii_alphabetic()))
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn run(rx: mpsc::Receiver<Utterance>) {
    let mut engine = tts::Tts::default().map_err(|e| e.to_string());
    // Listing voices takes seconds with a large voice set, so a second connection does it once in
    // the background; until it is done the service's default voice reads.
    let (listed, voice_list) = mpsc::channel();
    std::thread::Builder::new()
        .name("kiosk-speech-voices".into())
        .spawn(move || {
            let found = tts::Tts::default()
                .and_then(|t| t.voices())
                .unwrap_or_default();
            let _ = listed.send(found);
        })
        .ok();
    let mut voices: Option<Vec<tts::Voice>> = None;
    let mut current_lang = String::new();
    for u in rx {
        if voices.is_none() {
            voices = voice_list.try_recv().ok();
        }
        if engine.is_err() {
            // The service may have started since (Speech Dispatcher starts on demand).
            engine = tts::Tts::default().map_err(|e| e.to_string());
        }
        let Ok(tts) = &mut engine else {
            let _ = u
                .done
                .send(engine.as_ref().map(|_| ()).map_err(Clone::clone));
            continue;
        };
        if let Some(list) = &voices
            && u.lang != current_lang
        {
            // A voice for the visitor's language when the service has one; else its default.
            if let Some(v) = list
                .iter()
                .find(|v| language(v.language().as_ref()) == u.lang)
            {
                let _ = tts.set_voice(v);
            }
            current_lang = u.lang.clone();
        }
        let result = tts
            .speak(&u.text, true)
            .map(|_| ())
            .map_err(|e| e.to_string());
        let _ = u.done.send(result);
    }
}

impl SpeechHub {
    fn say(&self, text: String, lang: String) -> std::result::Result<(), String> {
        let (done, answer) = mpsc::channel();
        let utterance = Utterance { text, lang, done };
        {
            let mut queue = self
                .queue
                .lock()
                .map_err(|_| "speech state lost".to_string())?;
            let sender = match queue.as_ref() {
                Some(s) => s.clone(),
                None => {
                    let (tx, rx) = mpsc::channel();
                    std::thread::Builder::new()
                        .name("kiosk-speech".into())
                        .spawn(move || run(rx))
                        .map_err(|e| e.to_string())?;
                    *queue = Some(tx.clone());
                    tx
                }
            };
            sender
                .send(utterance)
                .map_err(|_| "the speech service stopped".to_string())?;
        }
        match answer.recv_timeout(ANSWER_WITHIN) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                Err("the speech service does not answer".into())
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err("the speech service stopped".into()),
        }
    }
}

impl Frontdesk {
    /// Reads `text` aloud in `lang` (a BCP 47 tag, e.g. `fr`) through the OS speech service,
    /// interrupting what it was reading. [`SpeechStatus::Unavailable`] (not an error) when this PC
    /// has no speech service; text that is empty after cleaning is refused.
    pub async fn kiosk_speak(&self, actor: &Actor, text: &str, lang: &str) -> Result<SpeechStatus> {
        actor.require(Permission::SignVisitors)?;
        let text = readable(text);
        if text.is_empty() {
            return Err(Error::invalid("text", crate::error::Rule::Required));
        }
        let speech = self.speech.clone();
        let lang = language(lang);
        let said = tokio::task::spawn_blocking(move || speech.say(text, lang))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(match said {
            Ok(()) => SpeechStatus::Speaking,
            Err(reason) => {
                tracing::info!(%reason, "kiosk read-aloud unavailable");
                SpeechStatus::Unavailable { reason }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cleaned_and_bounded_and_tags_give_their_language() {
        assert_eq!(
            readable("  Your\tdetails \n\u{7}please "),
            "Your details please"
        );
        assert_eq!(readable(&"a ".repeat(5000)).chars().count(), MAX_CHARS);
        assert_eq!(language("fr-CA"), "fr");
        assert_eq!(language("AR"), "ar");
        assert_eq!(language("x1"), "");
    }
}

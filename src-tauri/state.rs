//! What the window keeps between commands: the core API and the signed-in staff member's session,
//! re-checked against the database before every staff command and refused while the console is
//! locked.

use std::path::Path;
use std::sync::RwLock;

use frontdesk_core::people::staff::Session;
use frontdesk_core::{Actor, ApiError, Error, Frontdesk};

pub struct AppState {
    pub api: Frontdesk,
    console: RwLock<Option<Console>>,
}

#[derive(Clone)]
pub struct Console {
    pub session: Session,
    pub locked: bool,
}

impl AppState {
    pub async fn open(data_dir: &Path, demo: bool) -> frontdesk_core::Result<Self> {
        let api = Frontdesk::open(data_dir).await?;
        if demo && !api.is_initialised().await? {
            api.seed_demo().await?;
        }
        Ok(Self {
            api,
            console: RwLock::new(None),
        })
    }

    /// The signed-in staff member as the account stands now (role changes apply at once), or an
    /// error the UI answers with the login screen (nobody signed in, the account disabled or its
    /// password reset) or the lock screen.
    pub async fn actor(&self) -> Result<Actor, ApiError> {
        Ok(self.unlocked_session().await?.actor)
    }

    /// The signed-in session as [`AppState::actor`] checks it (not locked, re-checked).
    pub async fn unlocked_session(&self) -> Result<Session, ApiError> {
        let console = self.console().ok_or(Error::NotSignedIn)?;
        if console.locked {
            return Err(Error::ConsoleLocked.into());
        }
        Ok(self.resume(console).await?)
    }

    /// The signed-in session, locked or not, re-checked like [`AppState::actor`].
    pub async fn session(&self) -> Result<Session, ApiError> {
        let console = self.console().ok_or(Error::NotSignedIn)?;
        Ok(self.resume(console).await?)
    }

    async fn resume(&self, console: Console) -> Result<Session, Error> {
        match self.api.resume_session(&console.session).await {
            Ok(fresh) => {
                self.replace(&console.session, |c| c.session = fresh.clone());
                Ok(fresh)
            }
            Err(Error::SessionEnded) => {
                if let Ok(mut c) = self.console.write()
                    && c.as_ref()
                        .is_some_and(|c| c.session.account.id == console.session.account.id)
                {
                    *c = None;
                }
                Err(Error::SessionEnded)
            }
            Err(e) => Err(e),
        }
    }

    pub fn console(&self) -> Option<Console> {
        self.console.read().ok().and_then(|c| c.clone())
    }

    pub fn set(&self, console: Option<Console>) {
        if let Ok(mut c) = self.console.write() {
            *c = console;
        }
    }

    /// Changes the stored console if it still holds `session` (a login meanwhile is left alone).
    pub fn replace(&self, session: &Session, change: impl FnOnce(&mut Console)) {
        if let Ok(mut c) = self.console.write()
            && let Some(console) = c.as_mut()
            && console.session.account.id == session.account.id
        {
            change(console);
        }
    }
}

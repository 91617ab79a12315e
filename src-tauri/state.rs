//! What the window keeps between commands: the core API and the signed-in staff member.

use std::path::Path;
use std::sync::RwLock;

use frontdesk_core::people::staff::StaffAccount;
use frontdesk_core::{Actor, ApiError, Error, Frontdesk};

pub struct AppState {
    pub api: Frontdesk,
    session: RwLock<Option<(Actor, StaffAccount)>>,
}

impl AppState {
    pub async fn open(data_dir: &Path, demo: bool) -> frontdesk_core::Result<Self> {
        let api = Frontdesk::open(data_dir).await?;
        if demo && !api.is_initialised().await? {
            api.seed_demo().await?;
        }
        Ok(Self {
            api,
            session: RwLock::new(None),
        })
    }

    /// The signed-in staff member, or an error the UI answers by showing the login screen.
    pub fn actor(&self) -> Result<Actor, ApiError> {
        self.session
            .read()
            .ok()
            .and_then(|s| s.as_ref().map(|(a, _)| a.clone()))
            .ok_or_else(|| Error::NotSignedIn.into())
    }

    pub fn set_session(&self, session: Option<(Actor, StaffAccount)>) {
        if let Ok(mut s) = self.session.write() {
            *s = session;
        }
    }

    pub fn session(&self) -> Option<(Actor, StaffAccount)> {
        self.session.read().ok().and_then(|s| s.clone())
    }
}

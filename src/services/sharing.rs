//! Sharing: packages out (link, file, Markdown, JSON), packages in (merge or import), and
//! signing the agreed record. Everything document-shaped happens in the core's workspace;
//! this service names files, words messages and offers downloads.

use career_core::model::discussion::Discussion;
use career_core::reports::{export, file_names};
use career_core::share::{Package, ShareError};
use career_core::Side;

use super::docs::DocStore;
use super::messages::Messages;
use crate::error::{AppError, AppResult};
use crate::infra::guard::{self, Reading};
use crate::infra::{clock, download};

/// How a package file is labelled for downloads and the share sheet.
pub const PACKAGE_MIME: &str = "application/octet-stream";

/// What taking in a package did, to tell the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub discussion_id: String,
    /// This device's side in the discussion.
    pub side: Side,
    pub message: String,
}

#[derive(Clone, Copy)]
pub struct Sharing {
    docs: DocStore,
    messages: Messages,
}

impl Sharing {
    pub fn new(docs: DocStore, messages: Messages) -> Sharing {
        Sharing { docs, messages }
    }

    /// The name of the other party, from this device's side.
    pub fn other_party(&self, id: &str) -> String {
        self.docs.discussion(id).map_or_else(
            |_| "the other side".into(),
            |d| d.other_party(self.docs.side(id)),
        )
    }

    /// A package of the shared discussion for the other side. The employee's replies carry
    /// only what the leader lacks, unless `whole` is asked for.
    pub fn package(&self, id: &str, whole: bool) -> AppResult<Package> {
        self.docs.package(id, whole)
    }

    /// Who the discussion is with, for its files' names.
    fn employee(&self, id: &str) -> String {
        self.docs
            .discussion(id)
            .map(|d| d.employee.name)
            .unwrap_or_default()
    }

    /// The name a package's file goes by.
    pub fn file_name(&self, id: &str) -> String {
        file_names::package(&self.employee(id), clock::today())
    }

    pub fn download_package(&self, id: &str, whole: bool) {
        let name = self.file_name(id);
        let result = self
            .package(id, whole)
            .and_then(|p| download::download(&name, &p.to_bytes(), PACKAGE_MIME));
        if self
            .messages
            .check("The file could not be made", result)
            .is_some()
        {
            let other = self.other_party(id);
            self.messages.info(format!(
                "Your browser was given {name} to save. Send it to {other}, who opens it in Career Talk ({}/) with “Open a file”.",
                crate::infra::location::origin()
            ));
        }
    }

    pub fn download_markdown(&self, id: &str) {
        let result = self.docs.discussion(id).map_err(Into::into).and_then(|d| {
            let name = file_names::markdown(&self.employee(id));
            download::download(&name, export::markdown(&d).as_bytes(), "text/markdown")
        });
        self.messages
            .check("The Markdown could not be made", result);
    }

    pub fn download_json(&self, id: &str) {
        let result = self.docs.discussion(id).map_err(Into::into).and_then(|d| {
            let name = file_names::json(&self.employee(id));
            let json = serde_json::to_vec_pretty(&export::json(&d)).expect("JSON values serialise");
            download::download(&name, &json, "application/json")
        });
        self.messages.check("The JSON could not be made", result);
    }

    /// Takes in a package from a link or a file (`what` names it in messages), decoded by
    /// `decode` under the crash guard, and says what happened. `None` when nothing was
    /// taken in (the message says why; nothing on this device changed).
    pub fn open(
        &self,
        source: Reading,
        what: &str,
        decode: impl FnOnce() -> Result<Package, ShareError>,
    ) -> Option<Opened> {
        let result = guard::reading(source, || {
            decode()
                .map_err(AppError::from)
                .and_then(|p| self.take_in(&p))
        });
        match result {
            Ok(opened) => {
                self.messages.info(opened.message.clone());
                Some(opened)
            }
            Err(e) => {
                self.messages.problem(format!(
                    "{what} could not be opened: {e}. Nothing on this device was changed."
                ));
                None
            }
        }
    }

    /// Takes in a package from a link or file: merges it into the local copy, or imports
    /// it as a new discussion. On any error nothing local changes.
    pub fn take_in(&self, package: &Package) -> AppResult<Opened> {
        let taken = self.docs.take_in(package)?;
        let id = taken.id().to_string();
        let message = taken.message(&self.other_party(&id));
        Ok(Opened {
            side: self.docs.side(&id),
            discussion_id: id,
            message,
        })
    }

    // ----- signing ------------------------------------------------------------------------

    /// The name a side signs with: the names the record carries (the leader's from the
    /// people list on the leader's device, where it can be newer).
    pub fn signer_name(&self, d: &Discussion, side: Side) -> String {
        let name = match side {
            Side::Employee => d.employee.name.clone(),
            Side::Leader if self.docs.side(&d.id) == Side::Leader => Some(self.docs.manager().name)
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| d.manager.name.clone()),
            Side::Leader => d.manager.name.clone(),
        };
        if name.trim().is_empty() {
            match side {
                Side::Leader => "The leader".into(),
                Side::Employee => "The employee".into(),
            }
        } else {
            name
        }
    }

    /// Signs the record as it is now, for this device's side.
    pub fn sign(&self, id: &str) {
        let side = self.docs.side(id);
        let result = self.docs.discussion(id).map_err(Into::into).and_then(|d| {
            let name = self.signer_name(&d, side);
            self.docs.sign(id, side, &name, clock::today())
        });
        self.messages.check("Could not sign", result);
    }
}

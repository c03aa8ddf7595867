//! The app's one error type: everything that can go wrong in the shell, shown to the user
//! through the message queue (`services::messages`), never as a panic or a silent drop.

use career_core::share::ShareError;
use career_core::storage::blobs::{KvError, LoadError};
use career_core::workspace::WorkspaceError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Storage(#[from] KvError),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error("the live link is incomplete, altered, or from an earlier version of the app; ask for a new link")]
    BadLiveLink,
    #[error("this live session has ended; ask for a new link")]
    RoomEnded,
    #[error("the download could not be prepared ({0})")]
    Download(String),
    #[error("the file could not be read")]
    FileUnreadable,
    /// The page is being torn down; nothing can be done any more.
    #[error("the app is shutting down")]
    ShuttingDown,
}

pub type AppResult<T> = Result<T, AppError>;

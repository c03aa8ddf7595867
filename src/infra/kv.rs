//! localStorage as the core's `KvStore`. Values are raw strings (base64 for documents),
//! written with `setItem` directly rather than through serde, and a full storage is
//! reported as `QuotaExceeded` instead of being lost in a generic error.

use career_core::storage::blobs::{KvError, KvStore};
use wasm_bindgen::JsCast;

pub struct BrowserKv {
    storage: web_sys::Storage,
    /// What storage holds, in UTF-16 code units: walked once, then kept up to date by this
    /// tab's own writes (a save no longer walks every key). Another tab's writes are counted
    /// at the next walk, [`BrowserKv::recount`].
    used: std::cell::Cell<Option<usize>>,
    /// Every stored key: listed once, then kept up to date by this tab's own writes
    /// (reading a document looks for its parts among all keys, several times per start).
    /// Listed again when another tab wrote ([`BrowserKv::recount`]) or when storage holds
    /// another number of entries than the list (a write outside this store: the crash
    /// guard's, say).
    keys: std::cell::RefCell<Option<Vec<String>>>,
}

impl BrowserKv {
    pub fn open() -> BrowserKv {
        let storage = <gloo_storage::LocalStorage as gloo_storage::Storage>::raw();
        BrowserKv {
            storage,
            used: std::cell::Cell::new(None),
            keys: std::cell::RefCell::new(None),
        }
    }

    /// How much this origin's localStorage holds, in UTF-16 code units (what browsers count
    /// against the quota), without copying the values into wasm.
    pub fn used_units(&self) -> usize {
        if let Some(used) = self.used.get() {
            return used;
        }
        let len = self.storage.length().unwrap_or(0);
        let mut used = 0;
        for i in 0..len {
            let Ok(Some(key)) = self.storage.key(i) else {
                continue;
            };
            used += self.units_of(&key).unwrap_or(0);
        }
        self.used.set(Some(used));
        used
    }

    /// The next [`BrowserKv::used_units`] walks storage again, and the keys are listed
    /// again (another tab wrote to it).
    pub fn recount(&self) {
        self.used.set(None);
        self.keys.replace(None);
    }

    /// All keys, read from storage in one call across to JavaScript (as one JSON string),
    /// not one call per key.
    fn list_keys(&self) -> Result<Vec<String>, KvError> {
        let keys = js_sys::Object::keys(&self.storage);
        let json = js_sys::JSON::stringify(&keys)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| KvError::Unavailable("could not list the stored keys".into()))?;
        serde_json::from_str(&json)
            .map_err(|_| KvError::Unavailable("could not list the stored keys".into()))
    }

    /// Keeps the list of keys in step with a write of this store's.
    fn listed(&self, key: &str, present: bool) {
        if let Some(keys) = self.keys.borrow_mut().as_mut() {
            let at = keys.iter().position(|k| k == key);
            match (at, present) {
                (None, true) => keys.push(key.to_string()),
                (Some(i), false) => {
                    keys.swap_remove(i);
                }
                _ => {}
            }
        }
    }

    /// The units one entry takes (its key and value), `None` when there is none; the value
    /// is not copied into wasm.
    fn units_of(&self, key: &str) -> Option<usize> {
        let value = js_sys::Reflect::get(&self.storage, &wasm_bindgen::JsValue::from_str(key))
            .ok()?
            .dyn_into::<js_sys::JsString>()
            .ok()?;
        Some(key.encode_utf16().count() + value.length() as usize)
    }

    /// Counts one write: `before` units went, `after` came.
    fn counted(&self, before: Option<usize>, after: usize) {
        if let Some(used) = self.used.get() {
            self.used
                .set(Some((used + after).saturating_sub(before.unwrap_or(0))));
        }
    }
}

fn to_kv_error(err: wasm_bindgen::JsValue) -> KvError {
    if let Some(e) = err.dyn_ref::<web_sys::DomException>() {
        let name = e.name();
        // Chrome and Safari say QuotaExceededError; old Firefox NS_ERROR_DOM_QUOTA_REACHED.
        if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" || e.code() == 22 {
            return KvError::QuotaExceeded;
        }
        return KvError::Unavailable(format!("{name}: {}", e.message()));
    }
    KvError::Unavailable(format!("{err:?}"))
}

impl KvStore for BrowserKv {
    fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        self.storage.get_item(key).map_err(to_kv_error)
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), KvError> {
        let before = self.used.get().and_then(|_| self.units_of(key));
        self.storage.set_item(key, value).map_err(to_kv_error)?;
        let after = key.encode_utf16().count() + value.encode_utf16().count();
        self.counted(before, after);
        self.listed(key, true);
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<(), KvError> {
        let before = self.used.get().and_then(|_| self.units_of(key));
        self.storage.remove_item(key).map_err(to_kv_error)?;
        self.counted(before, 0);
        self.listed(key, false);
        Ok(())
    }
    fn keys(&self) -> Result<Vec<String>, KvError> {
        let len = self.storage.length().unwrap_or(0) as usize;
        if let Some(keys) = self.keys.borrow().as_ref().filter(|k| k.len() == len) {
            return Ok(keys.clone());
        }
        let keys = self.list_keys()?;
        self.keys.replace(Some(keys.clone()));
        Ok(keys)
    }
}

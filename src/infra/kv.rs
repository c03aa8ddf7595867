//! localStorage as the core's `KvStore`. Values are raw strings (base64 for documents),
//! written with `setItem` directly rather than through serde, and a full storage is
//! reported as `QuotaExceeded` instead of being lost in a generic error.

use career_core::storage::blobs::{KvError, KvStore};
use wasm_bindgen::JsCast;

pub struct BrowserKv {
    storage: web_sys::Storage,
}

impl BrowserKv {
    pub fn open() -> BrowserKv {
        let storage = <gloo_storage::LocalStorage as gloo_storage::Storage>::raw();
        BrowserKv { storage }
    }
}

impl BrowserKv {
    /// How much this origin's localStorage holds, in UTF-16 code units (what browsers count
    /// against the quota), without copying the values into wasm.
    pub fn used_units(&self) -> usize {
        let len = self.storage.length().unwrap_or(0);
        let mut used = 0;
        for i in 0..len {
            let Ok(Some(key)) = self.storage.key(i) else {
                continue;
            };
            let value = js_sys::Reflect::get(&self.storage, &wasm_bindgen::JsValue::from_str(&key))
                .ok()
                .and_then(|v| v.dyn_into::<js_sys::JsString>().ok())
                .map_or(0, |v| v.length() as usize);
            used += key.encode_utf16().count() + value;
        }
        used
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
        self.storage.set_item(key, value).map_err(to_kv_error)
    }
    fn remove(&mut self, key: &str) -> Result<(), KvError> {
        self.storage.remove_item(key).map_err(to_kv_error)
    }
    fn keys(&self) -> Result<Vec<String>, KvError> {
        // All keys in one call across to JavaScript (as one JSON string), not one call per
        // key: start-up lists the keys of hundreds of stored parts.
        let keys = js_sys::Object::keys(&self.storage);
        let json = js_sys::JSON::stringify(&keys)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| KvError::Unavailable("could not list the stored keys".into()))?;
        serde_json::from_str(&json)
            .map_err(|_| KvError::Unavailable("could not list the stored keys".into()))
    }
}

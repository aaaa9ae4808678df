//! A paging port that records every call and answers as told, for tests of hand-offs and of
//! what follows them.

use std::sync::Mutex;

use crate::paging::{PageAction, PageRequest, Provider};
use crate::ports::{PagingError, PagingPort};

/// Records calls; every provider is configured and every call succeeds unless `refuse` is set.
#[derive(Default)]
pub struct FakePaging {
    pub sent: Mutex<Vec<(Provider, PageAction, PageRequest)>>,
    /// When set, every call fails with this.
    pub refuse: Mutex<Option<PagingError>>,
}

impl FakePaging {
    /// `(provider, action, key)` of every call, in order.
    pub fn calls(&self) -> Vec<(Provider, PageAction, String)> {
        self.sent
            .lock()
            .expect("the fake paging port is never poisoned")
            .iter()
            .map(|(p, a, r)| (*p, *a, r.key.clone()))
            .collect()
    }
}

#[async_trait::async_trait]
impl PagingPort for FakePaging {
    async fn send(
        &self,
        provider: Provider,
        action: PageAction,
        request: &PageRequest,
    ) -> Result<(), PagingError> {
        if let Some(refused) = self.refuse.lock().expect("never poisoned").clone() {
            return Err(refused);
        }
        self.sent
            .lock()
            .expect("the fake paging port is never poisoned")
            .push((provider, action, request.clone()));
        Ok(())
    }

    fn configured(&self, _: Provider) -> bool {
        true
    }
}

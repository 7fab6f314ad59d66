//! What a member typed into a form before the page was taken over.
//!
//! On a phone the page's code can arrive a second or more after the form is shown, and people
//! start typing at once. A field whose value follows a signal (`prop:value`) is set to that
//! signal's first value when the page is taken over: an empty signal would wipe what was typed
//! (seen in `ticket.spec.ts`, session 42). Such a signal starts from this instead.

/// The current value of the server-written field `id` while the page is being taken over;
/// empty on the server, and afterwards (a field with that id then belongs to the view itself).
pub fn typed_before_hydration(id: &str) -> String {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use leptos::prelude::Owner;
        let hydrating = Owner::current_shared_context().is_some_and(|c| c.during_hydration());
        if hydrating {
            let field = leptos::prelude::document().get_element_by_id(id);
            if let Some(value) = field
                .and_then(|el| js_sys::Reflect::get(&el, &"value".into()).ok())
                .and_then(|v| v.as_string())
            {
                return value;
            }
        }
    }
    let _ = id;
    String::new()
}

//! Choosing screenshots: a file input (works without JavaScript), and once hydrated also
//! drag-and-drop and paste, with previews and the same checks as the server (count, size, kind
//! by the file's first bytes) before anything is sent.
use leptos::prelude::*;

use send_wrapper::SendWrapper;
use server_fn::codec::MultipartData;

use crate::domain::{FileKind, UploadLimits};
use crate::error::AppError;
use crate::i18n::*;
use crate::locale::use_i18n;

/// A form's body on its way to a multipart server function (browser `FormData`; nothing on the
/// server, where these actions are never dispatched).
#[cfg(feature = "hydrate")]
pub type UploadBody = web_sys::FormData;
#[cfg(not(feature = "hydrate"))]
pub type UploadBody = ();

pub type UploadAction<O> = Action<SendWrapper<UploadBody>, Result<O, AppError>>;

/// An action that sends a form with files through `call` (a multipart server function).
pub fn upload_action<O, F, Fut>(call: F) -> UploadAction<O>
where
    O: Send + Sync + 'static,
    F: Fn(MultipartData) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<O, AppError>> + 'static,
{
    Action::new_local(move |body: &SendWrapper<UploadBody>| {
        #[cfg(feature = "hydrate")]
        let data = Some(MultipartData::from((**body).clone()));
        #[cfg(not(feature = "hydrate"))]
        let data: Option<MultipartData> = {
            let _ = body;
            None
        };
        async move {
            match data {
                Some(d) => call(d).await,
                None => Err(AppError::Transport(
                    "uploads are sent from the browser".into(),
                )),
            }
        }
    })
}

/// Sends a form through an upload action: its own fields, plus the checked files of its picker.
/// Without JavaScript this never runs and the browser posts the same form itself.
pub fn send_form<O: Send + Sync + 'static>(
    ev: leptos::ev::SubmitEvent,
    action: UploadAction<O>,
    picked: Option<PickedFiles>,
) {
    ev.prevent_default();
    #[cfg(feature = "hydrate")]
    {
        let Some(form) = submitted_form(&ev) else {
            return;
        };
        let data = match picked {
            Some(p) => p.form_data(&form),
            None => web_sys::FormData::new_with_form(&form).ok(),
        };
        if let Some(data) = data {
            action.dispatch_local(SendWrapper::new(data));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (action, picked);
}

/// The form a submit event came from.
#[cfg(feature = "hydrate")]
pub fn submitted_form(ev: &leptos::ev::SubmitEvent) -> Option<web_sys::HtmlFormElement> {
    use wasm_bindgen::JsCast;
    ev.target()?.dyn_into().ok()
}

/// A file the member picked, checked and (for images) previewed.
#[derive(Clone)]
pub struct Picked {
    pub name: String,
    pub size: u64,
    pub kind: FileKind,
    /// Object URL of the image, revoked when the last copy is dropped.
    #[cfg(feature = "hydrate")]
    preview: Option<std::rc::Rc<gloo_file::ObjectUrl>>,
    #[cfg(feature = "hydrate")]
    pub file: web_sys::File,
}

impl Picked {
    fn preview_url(&self) -> Option<String> {
        #[cfg(feature = "hydrate")]
        return self.preview.as_ref().map(|u| u.to_string());
        #[cfg(not(feature = "hydrate"))]
        None
    }
}

/// In the browser a picked file holds JavaScript objects, so the list lives in local storage.
/// On the server it holds plain data and must not: a page's render may end on another worker
/// thread than it started, and dropping a thread-local value there panics (found under load by
/// `concurrent_renders::many_pages_rendered_at_once_all_succeed`).
#[cfg(feature = "hydrate")]
type PickedStorage = LocalStorage;
#[cfg(not(feature = "hydrate"))]
type PickedStorage = SyncStorage;

/// The picked files of one form, and the message about the last refused one.
#[derive(Clone, Copy)]
pub struct PickedFiles {
    pub files: RwSignal<Vec<Picked>, PickedStorage>,
    pub refusal: RwSignal<Option<String>>,
    pub limits: RwSignal<UploadLimits>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    i18n: crate::locale::I18n,
}

impl PickedFiles {
    pub fn new(limits: UploadLimits) -> PickedFiles {
        PickedFiles {
            #[cfg(feature = "hydrate")]
            files: RwSignal::new_local(Vec::new()),
            #[cfg(not(feature = "hydrate"))]
            files: RwSignal::new(Vec::new()),
            refusal: RwSignal::new(None),
            limits: RwSignal::new(limits),
            i18n: use_i18n(),
        }
    }

    pub fn clear(&self) {
        self.files.set(Vec::new());
        self.refusal.set(None);
    }

    /// Checks and adds files from an input, a drop or a paste.
    #[cfg(feature = "hydrate")]
    pub fn add_list(&self, list: Option<web_sys::FileList>) {
        let Some(list) = list else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        let me = *self;
        leptos::task::spawn_local(async move {
            for file in files {
                me.add_one(file).await;
            }
        });
    }

    #[cfg(feature = "hydrate")]
    async fn add_one(&self, file: web_sys::File) {
        use crate::components::error_text::invalid_text;
        use crate::domain::{sanitize_file_name, sniff, Invalid, SNIFF_LEN};
        let i18n = self.i18n;
        let name = sanitize_file_name(&file.name());
        let size = file.size() as u64;
        let limits = self.limits.get_untracked();
        // The same refusals the server gives, worded the same way.
        let refuse = |problem: Invalid| self.refusal.set(Some(invalid_text(i18n, &problem)));
        if self.files.with_untracked(Vec::len) >= limits.max_files {
            refuse(Invalid::TooManyFiles {
                max: limits.max_files,
            });
            return;
        }
        if size > limits.max_file_bytes {
            refuse(Invalid::FileTooLarge {
                name: name.clone(),
                max_mb: limits.max_megabytes(),
            });
            return;
        }
        let head = file
            .slice_with_i32_and_i32(0, SNIFF_LEN as i32)
            .ok()
            .map(gloo_file::Blob::from);
        let bytes = match head {
            Some(blob) => gloo_file::futures::read_as_bytes(&blob)
                .await
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let kind = match sniff(&bytes) {
            Ok(kind) => kind,
            Err(why) => {
                refuse(why.for_file(&name));
                return;
            }
        };
        let preview = kind.is_image().then(|| {
            std::rc::Rc::new(gloo_file::ObjectUrl::from(gloo_file::Blob::from(
                web_sys::Blob::from(file.clone()),
            )))
        });
        self.refusal.set(None);
        self.files.update(|v| {
            v.push(Picked {
                name,
                size,
                kind,
                preview,
                file,
            })
        });
    }

    /// Replaces the form's own `files` entries by the checked list (drops and pastes included).
    #[cfg(feature = "hydrate")]
    pub fn form_data(&self, form: &web_sys::HtmlFormElement) -> Option<web_sys::FormData> {
        let data = web_sys::FormData::new_with_form(form).ok()?;
        data.delete("files");
        for p in self.files.get_untracked() {
            data.append_with_blob_and_filename("files", &p.file, &p.name)
                .ok()?;
        }
        Some(data)
    }
}

/// Human size: "312 KB", "2.4 MB".
pub fn size_label(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024).max(1))
    }
}

/// The input, the drop zone and the previews. `id` names the input for its label.
#[component]
pub fn FilePicker(picked: PickedFiles, id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let limits = picked.limits;
    let hint_id = format!("{id}-hint");
    let on_change = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(input) = _ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                picked.add_list(input.files());
                // The checked list is what gets sent; clearing lets the same file be chosen again.
                input.set_value("");
            }
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        picked.add_list(ev.data_transfer().and_then(|d| d.files()));
    };
    let remove = move |index: usize| {
        picked.files.update(|v| {
            if index < v.len() {
                v.remove(index);
            }
        })
    };
    view! {
        <div class="file-picker" on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
            <label for=id>{tr!(i18n, files_label)}</label>
            <p class="hint" id=hint_id.clone()>
                {move || {
                    let l = limits.get();
                    td_string!(i18n.get_locale(), files_hint, max = l.max_files, mb = l.max_megabytes()).to_string()
                }}
            </p>
            <input id=id name="files" type="file" multiple
                accept="image/png,image/jpeg,image/webp,image/gif,application/pdf,text/plain"
                aria-describedby=hint_id on:change=on_change/>
            <p class="form-error" role="alert">{move || picked.refusal.get()}</p>
            <ul class="previews" aria-label=tr!(i18n, files_chosen)>
                {move || picked.files.get().into_iter().enumerate().map(|(i, p)| {
                    let name = p.name.clone();
                    let remove_label = td_string!(i18n.get_locale(), file_remove, name = name.clone()).to_string();
                    let alt = td_string!(i18n.get_locale(), file_preview, name = name.clone()).to_string();
                    view! {
                        <li>
                            {p.preview_url().map(|src| view! { <img src=src alt=alt/> })}
                            <span class="file-name">{name}</span>
                            <span class="file-size">{size_label(p.size)}</span>
                            <button type="button" class="button link" aria-label=remove_label
                                on:click=move |_| remove(i)>
                                {tr!(i18n, remove)}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

use leptos::prelude::*;

use crate::components::file_picker::size_label;
use crate::domain::AttachmentInfo;
use crate::i18n::*;
use crate::locale::use_i18n;

/// Files of a message: images as thumbnails that open the full picture, others as download links.
#[component]
pub fn AttachmentList(
    files: Vec<AttachmentInfo>,
    /// Where the files are served: ticket files by default, `/chat-files` for chats.
    #[prop(optional)]
    base: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    if files.is_empty() {
        return None;
    }
    let items = files
        .into_iter()
        .map(|f| {
            let url = format!("{}/{}", base.unwrap_or("/attachments"), f.id);
            let label = format!("{} ({})", f.file_name, size_label(f.size as u64));
            if f.kind.is_image() {
                let alt = td_string!(
                    i18n.get_locale(),
                    attachment_image,
                    name = f.file_name.clone()
                )
                .to_string();
                view! {
                    <li>
                        <a href=url.clone() target="_blank" rel="noopener" class="thumb">
                            <img src=url.clone() alt=alt loading="lazy"/>
                        </a>
                        <span class="file-name">{label}</span>
                    </li>
                }
                .into_any()
            } else {
                view! { <li><a href=url download=f.file_name.clone()>{label}</a></li> }.into_any()
            }
        })
        .collect_view();
    Some(view! {
        <ul class="attachments" aria-label=tr!(i18n, attachments_label)>
            {items}
        </ul>
    })
}

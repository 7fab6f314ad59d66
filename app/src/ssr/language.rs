//! Language detection for chat questions. Server-side only: whatlang's trigram tables were
//! about 186 KB of the WASM every visitor loaded (a split build moves code, not data), for a
//! hint on one page. The pre-chat form asks `guess_chat_language` instead.

/// The language of a question when it is confidently not English (`None`: English, or unsure).
/// Detection is limited to the languages tickets offer: on short texts a free choice among all
/// languages guesses wildly (English sentences come out as Danish).
pub fn non_english_language(text: &str) -> Option<&'static str> {
    use whatlang::Lang::{self, *};
    let detector = whatlang::Detector::with_allowlist(vec![
        Eng, Spa, Por, Fra, Deu, Ita, Nld, Pol, Rus, Jpn, Cmn, Kor,
    ]);
    let info = detector.detect(text)?;
    let sure = info.confidence() >= 0.5;
    if info.lang() == Lang::Eng || !sure || text.split_whitespace().count() < 3 {
        return None;
    }
    Some(match info.lang() {
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ita => "it",
        Lang::Nld => "nl",
        Lang::Pol => "pl",
        Lang::Rus => "ru",
        Lang::Jpn => "ja",
        Lang::Cmn => "zh",
        Lang::Kor => "ko",
        _ => "other",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_passes_and_other_languages_are_recognised() {
        assert_eq!(
            non_english_language("My order page does not load after I log in"),
            None
        );
        assert_eq!(
            non_english_language("No puedo procesar el pedido, la página se queda en blanco"),
            Some("es")
        );
        assert_eq!(
            non_english_language("Não consigo fazer login no site"),
            Some("pt")
        );
        for english in [
            "My order page stays blank after I log in",
            "Cannot upload my profile photo",
            "Checkout button does nothing",
        ] {
            assert_eq!(non_english_language(english), None, "{english}");
        }
        // Too short to be sure: let the member chat.
        assert_eq!(non_english_language("Hola"), None);
    }
}

//! Removes metadata from a JPEG as it streams past, chunk by chunk, so an upload never has to
//! be held whole in memory. EXIF (GPS, camera, owner), XMP, comments and other application
//! segments go; APP0 (JFIF) and APP14 (Adobe colour transform) stay, decoders need them.
//! Whatever follows the end-of-image marker is dropped too (some phones append data there).
//!
//! A JPEG is a list of segments `FF <code> <length> <body>`; after a start-of-scan segment
//! comes entropy-coded data in which `FF 00` is a literal FF and `FF D0..D7` are restart
//! markers, until the next real marker.

/// The bytes are not a JPEG that can be read segment by segment.
#[derive(Debug, PartialEq, Eq)]
pub struct NotJpeg;

#[derive(Debug, Clone, Copy)]
enum State {
    /// How many bytes of the start-of-image marker (FF D8) have been seen.
    Start(u8),
    /// Between segments: the next byte must be FF.
    Marker,
    /// After an FF: the marker code (more FFs are fill).
    Code,
    /// The two length bytes of a segment.
    Length { code: u8, high: Option<u8> },
    /// A segment's body: `left` bytes, kept or dropped; a scan header leads to scan data.
    Body { keep: bool, left: usize, scan: bool },
    /// Entropy-coded data; `ff`: the last byte was an FF not yet written.
    Scan { ff: bool },
    /// After end of image.
    End,
}

pub struct JpegScrubber {
    state: State,
    scanned: bool,
}

impl Default for JpegScrubber {
    fn default() -> Self {
        JpegScrubber {
            state: State::Start(0),
            scanned: false,
        }
    }
}

/// Segments that only carry metadata: APP1..APP13, APP15 and COM.
fn is_metadata(code: u8) -> bool {
    matches!(code, 0xE1..=0xED | 0xEF | 0xFE)
}

impl JpegScrubber {
    /// Takes the next chunk; appends what is kept to `out`.
    pub fn feed(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Result<(), NotJpeg> {
        while let Some(&byte) = input.first() {
            match self.state {
                State::Start(seen) => {
                    if byte != [0xFF, 0xD8][seen as usize] {
                        return Err(NotJpeg);
                    }
                    out.push(byte);
                    self.state = if seen == 1 {
                        State::Marker
                    } else {
                        State::Start(1)
                    };
                    input = &input[1..];
                }
                State::Marker => {
                    if byte != 0xFF {
                        return Err(NotJpeg);
                    }
                    self.state = State::Code;
                    input = &input[1..];
                }
                State::Code => {
                    input = &input[1..];
                    self.on_code(byte, out)?;
                }
                State::Length { code, high: None } => {
                    self.state = State::Length {
                        code,
                        high: Some(byte),
                    };
                    input = &input[1..];
                }
                State::Length {
                    code,
                    high: Some(high),
                } => {
                    input = &input[1..];
                    let len = u16::from_be_bytes([high, byte]) as usize;
                    if len < 2 {
                        return Err(NotJpeg);
                    }
                    let keep = !is_metadata(code);
                    if keep {
                        out.extend_from_slice(&[0xFF, code, high, byte]);
                    }
                    let scan = code == 0xDA;
                    self.scanned |= scan;
                    self.state = State::Body {
                        keep,
                        left: len - 2,
                        scan,
                    };
                    self.end_of_body();
                }
                State::Body { keep, left, scan } => {
                    let n = left.min(input.len());
                    if keep {
                        out.extend_from_slice(&input[..n]);
                    }
                    input = &input[n..];
                    self.state = State::Body {
                        keep,
                        left: left - n,
                        scan,
                    };
                    self.end_of_body();
                }
                State::Scan { ff: false } => {
                    // Copy up to the next FF in one go: scan data is most of the file.
                    let n = input.iter().position(|&b| b == 0xFF).unwrap_or(input.len());
                    out.extend_from_slice(&input[..n]);
                    input = &input[n..];
                    if !input.is_empty() {
                        self.state = State::Scan { ff: true };
                        input = &input[1..];
                    }
                }
                State::Scan { ff: true } => {
                    input = &input[1..];
                    match byte {
                        // A literal FF, or a restart marker: still scan data.
                        0x00 | 0xD0..=0xD7 => {
                            out.extend_from_slice(&[0xFF, byte]);
                            self.state = State::Scan { ff: false };
                        }
                        // Fill before a marker.
                        0xFF => {}
                        _ => self.on_code(byte, out)?,
                    }
                }
                State::End => return Ok(()),
            }
        }
        Ok(())
    }

    /// Whether what came was a JPEG with image data (a file cut off inside its scan data is
    /// still shown by browsers; one cut off before it has no image at all).
    pub fn finish(&self) -> Result<(), NotJpeg> {
        if self.scanned {
            Ok(())
        } else {
            Err(NotJpeg)
        }
    }

    fn on_code(&mut self, code: u8, out: &mut Vec<u8>) -> Result<(), NotJpeg> {
        self.state = match code {
            0xFF => State::Code,
            0x00 | 0xD8 => return Err(NotJpeg),
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                State::End
            }
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, code]);
                State::Marker
            }
            _ => State::Length { code, high: None },
        };
        Ok(())
    }

    fn end_of_body(&mut self) {
        if let State::Body { left: 0, scan, .. } = self.state {
            self.state = if scan {
                State::Scan { ff: false }
            } else {
                State::Marker
            };
        }
    }
}

/// The whole bytes at once (tests, and callers that have them anyway).
pub fn strip_metadata(bytes: &[u8]) -> Result<Vec<u8>, NotJpeg> {
    let mut scrubber = JpegScrubber::default();
    let mut out = Vec::with_capacity(bytes.len());
    scrubber.feed(bytes, &mut out)?;
    scrubber.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(code: u8, body: &[u8]) -> Vec<u8> {
        let len = (body.len() + 2) as u16;
        let mut v = vec![0xFF, code];
        v.extend_from_slice(&len.to_be_bytes());
        v.extend_from_slice(body);
        v
    }

    /// SOI, APP0 JFIF, APP1 EXIF with a GPS text, COM, APP14, DQT, SOS with scan data holding a
    /// stuffed FF and a restart marker, a COM between scans, a second SOS, EOI, a trailer.
    fn photo() -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend(segment(0xE0, b"JFIF\0\x01\x01"));
        v.extend(segment(0xE1, b"Exif\0\0GPS 40.4168N 3.7038W"));
        v.extend(segment(0xFE, b"secret comment"));
        v.extend(segment(0xEE, b"Adobe\0"));
        v.extend(segment(0xDB, &[0; 5]));
        v.extend(segment(0xDA, &[1, 2, 3]));
        v.extend_from_slice(&[9, 0xFF, 0x00, 8, 0xFF, 0xD3, 7]);
        v.extend(segment(0xFE, b"hidden between scans"));
        v.extend(segment(0xDA, &[4]));
        v.extend_from_slice(&[6, 6]);
        v.extend_from_slice(&[0xFF, 0xD9]);
        v.extend_from_slice(b"trailer owner=ana");
        v
    }

    fn expected() -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend(segment(0xE0, b"JFIF\0\x01\x01"));
        v.extend(segment(0xEE, b"Adobe\0"));
        v.extend(segment(0xDB, &[0; 5]));
        v.extend(segment(0xDA, &[1, 2, 3]));
        v.extend_from_slice(&[9, 0xFF, 0x00, 8, 0xFF, 0xD3, 7]);
        v.extend(segment(0xDA, &[4]));
        v.extend_from_slice(&[6, 6, 0xFF, 0xD9]);
        v
    }

    #[test]
    fn metadata_goes_and_the_image_stays_whatever_the_chunks() {
        assert_eq!(strip_metadata(&photo()).unwrap(), expected());
        for size in [1, 2, 3, 7, 64] {
            let mut scrubber = JpegScrubber::default();
            let mut out = Vec::new();
            for chunk in photo().chunks(size) {
                scrubber.feed(chunk, &mut out).unwrap();
            }
            scrubber.finish().unwrap();
            assert_eq!(out, expected(), "chunks of {size}");
        }
    }

    #[test]
    fn what_is_not_a_jpeg_is_refused() {
        assert_eq!(strip_metadata(b"GIF89a"), Err(NotJpeg));
        // Cut off before any image data.
        assert_eq!(strip_metadata(&photo()[..40]), Err(NotJpeg));
        // A segment that does not start with FF.
        let mut bad = vec![0xFF, 0xD8];
        bad.extend_from_slice(b"hello");
        assert_eq!(strip_metadata(&bad), Err(NotJpeg));
        // A length shorter than itself.
        assert_eq!(
            strip_metadata(&[0xFF, 0xD8, 0xFF, 0xDB, 0, 1]),
            Err(NotJpeg)
        );
    }

    #[test]
    fn a_file_cut_off_in_its_scan_data_is_kept_as_far_as_it_goes() {
        let whole = photo();
        let cut = &whole[..whole.len() - 30];
        let out = strip_metadata(cut).unwrap();
        assert!(expected().starts_with(&out));
    }
}

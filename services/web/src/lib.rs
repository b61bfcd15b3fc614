//! # web — the officers' app and the corridor dashboard
//!
//! Plain HTML, CSS and JavaScript in `assets/`, compiled into the binary so that border posts
//! and control rooms without internet get everything from the hub itself: no CDN, no tile
//! server, no build step. Text in English and French (`assets/i18n.js`).
//!
//! - `officer.html` + `officer.js`: mobile-first; find a movement by typing or scanning its
//!   MRN, see what to check, confirm with one tap; actions queue on the device while offline
//!   and sync when the connection returns (`sw.js` caches the app); `train.js`, its train
//!   mode: open a train's consist, tick the wagons found, confirm the whole train once.
//! - `dashboard.html` + `dashboard.js`: the corridor map — the region's borders and coasts
//!   (`region.json`, from Natural Earth: `region/build.py` writes it), offices with labels
//!   placed so that none overlaps, legs coloured by how late their movements run — counts,
//!   overdue list, times between offices, guarantee exposure, national links, dead letters,
//!   live updates.
//! - `document.html`: the printable transit document with the MRN's QR code ([`qr_svg`]).

/// The assets by name: (name, media type, content).
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "officer.html",
        "text/html; charset=utf-8",
        include_str!("../assets/officer.html"),
    ),
    (
        "officer.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/officer.js"),
    ),
    (
        "train.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/train.js"),
    ),
    (
        "dashboard.html",
        "text/html; charset=utf-8",
        include_str!("../assets/dashboard.html"),
    ),
    (
        "dashboard.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/dashboard.js"),
    ),
    (
        "document.html",
        "text/html; charset=utf-8",
        include_str!("../assets/document.html"),
    ),
    (
        "document.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/document.js"),
    ),
    (
        "common.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/common.js"),
    ),
    (
        "i18n.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/i18n.js"),
    ),
    (
        "region.json",
        "application/json",
        include_str!("../assets/region.json"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../assets/app.css"),
    ),
    (
        "sw.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/sw.js"),
    ),
    (
        "manifest.json",
        "application/manifest+json",
        include_str!("../assets/manifest.json"),
    ),
];

/// An asset's media type and content.
pub fn asset(name: &str) -> Option<(&'static str, &'static str)> {
    ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, t, c)| (*t, *c))
}

/// Every asset's name.
pub fn names() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|(n, _, _)| *n)
}

/// The QR code of `text` (an MRN) as an SVG document.
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(180, 180)
            .quiet_zone(true)
            .build(),
        Err(_) => String::from("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_asset_is_served_and_nothing_comes_from_elsewhere() {
        for name in super::names() {
            let (_, content) = super::asset(name).unwrap();
            assert!(!content.is_empty(), "{name}");
            for remote in ["http://", "https://", "//cdn", "@import url("] {
                let allowed = content.matches(remote).count()
                    == content.matches(&format!("{remote}www.w3.org")).count();
                assert!(allowed, "{name} loads something from {remote}…");
            }
        }
    }

    #[test]
    fn the_qr_code_is_an_svg() {
        let svg = super::qr_svg("25CIUJZDE8GXD6NCJ0");
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }

    /// The API serves every page under a Content-Security-Policy of `script-src 'self'`
    /// (transit-http), so a page must not need an inline script or handler.
    #[test]
    fn no_page_runs_an_inline_script() {
        for name in super::names().filter(|n| n.ends_with(".html")) {
            let (_, page) = super::asset(name).unwrap();
            assert!(!page.contains("<script>"), "{name} has an inline script");
            assert!(!page.contains(" onclick="), "{name} has an inline handler");
            assert!(!page.contains(" onload="), "{name} has an inline handler");
        }
    }
}

//! Links a person may follow: from the home page, every link a commune's editor and a
//! district's editor are shown leads to a page they may read (never 403, never 404).

use super::*;
use reqwest::StatusCode;
use std::collections::{BTreeSet, VecDeque};
use trienkhai_testkit::{TestApp, TestDb};

/// The same-site links of a page (`href="/…"`), without their fragment, entities decoded.
fn links_of(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .map(|href| href.split('#').next().unwrap_or("").replace("&amp;", "&"))
        .filter(|href| !href.is_empty())
        .collect()
}

/// Follows every link from `/` breadth first, up to `limit` pages; the pages that answered
/// something else than 200, with the page that showed the link.
async fn crawl(app: &TestApp, who: &str, limit: usize) -> (usize, Vec<(String, u16, String)>) {
    let browser = login_browser(app, who).await;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<(String, String)> = VecDeque::from([("/".to_owned(), "-".to_owned())]);
    let mut broken = Vec::new();
    let mut visited = 0;
    while let Some((path, from)) = queue.pop_front() {
        if visited >= limit {
            break;
        }
        // Leaving, switching language and downloads are not pages to read.
        if path.starts_with("/logout") || path.starts_with("/lang") || path.contains("/files/") {
            continue;
        }
        // One page per route shape is enough: ids and queries repeat the same handler.
        if !seen.insert(path.clone()) {
            continue;
        }
        visited += 1;
        let r = browser.get(app.url(&path)).send().await.unwrap();
        let status = r.status();
        if status.is_redirection() {
            if let Some(to) = r.headers().get("location").and_then(|l| l.to_str().ok()) {
                queue.push_back((to.to_owned(), path.clone()));
            }
            continue;
        }
        if status != StatusCode::OK {
            broken.push((path.clone(), status.as_u16(), from.clone()));
            continue;
        }
        let is_html = r
            .headers()
            .get("content-type")
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.starts_with("text/html"));
        if !is_html {
            continue;
        }
        let html = r.text().await.unwrap();
        for link in links_of(&html) {
            if !seen.contains(&link) {
                queue.push_back((link, path.clone()));
            }
        }
    }
    (visited, broken)
}

pub(crate) async fn every_link_shown_to_a_person_leads_to_a_page_they_may_read(t: TestDb) {
    let app = spawn(t).await;
    plan_reporting_monthly_in_2021(&app).await;
    // A commune reads the directive its district's standing committee carries out (15-KH/HU,
    // issued in the Huyện ủy's name, concretizes 01-CT/TU), and every unit it is shown.
    let admin = token(&app, "admin").await;
    let commune = login_browser(&app, "anthuy").await;
    for number in ["01-CT/TU", "15-KH/HU", "05-NQ/TU"] {
        let (_, found) = get(&app, &admin, &format!("/api/v1/documents?number={number}")).await;
        let id = found[0]["id"].as_i64().unwrap();
        let r = commune
            .get(app.url(&format!("/documents/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{number}");
    }
    let district = unit_id(&app, &admin, "BTR", "2021-06-01").await;
    let card = page_html(
        &commune,
        &app,
        &format!("/units/{district}?as_of=01/06/2021"),
    )
    .await;
    assert!(card.contains("id=\"unit-limited\""), "the district's card");
    assert!(!card.contains("id=\"posts\""), "without its people");
    let own = unit_id(&app, &admin, "X-ANTHUY", "2021-06-01").await;
    let whole = page_html(&commune, &app, &format!("/units/{own}?as_of=01/06/2021")).await;
    assert!(!whole.contains("id=\"unit-limited\""));
    // The API keeps its scope: a unit outside it is refused there.
    let (status, _) = get(
        &app,
        &token(&app, "anthuy").await,
        &format!("/api/v1/units/{district}"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (who, limit) in [("anthuy", 260), ("huyenuy", 260), ("kiemtra", 200)] {
        let (visited, broken) = crawl(&app, who, limit).await;
        assert!(visited > 40, "{who}: {visited} pages reached");
        assert!(
            broken.is_empty(),
            "{who}: links that do not lead to a page:\n{}",
            broken
                .iter()
                .map(|(to, status, from)| format!("{status} {to}  (shown on {from})"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

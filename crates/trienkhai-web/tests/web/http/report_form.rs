//! The report form cannot lose what is typed: a bad number comes back typed with its row
//! marked and nothing saved; attaching and submitting save first; submitting asks once.

use super::*;
use reqwest::{Client, StatusCode};
use trienkhai_testkit::TestDb;

/// The value of `name="{name}"` in `html`.
fn input_value(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no input {name}"))
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

/// The id of the first input named `{prefix}{id}` after `marker`.
fn id_after(html: &str, marker: &str, prefix: &str) -> String {
    html.split(marker)
        .nth(1)
        .unwrap()
        .split(&format!("name=\"{prefix}"))
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect()
}

pub(crate) async fn the_report_form_keeps_what_is_typed_and_every_button_saves_first(t: TestDb) {
    let app = spawn(t).await;
    let plan = plan_reporting_monthly_in_2021(&app).await;
    let anthuy = login_browser(&app, "anthuy").await;
    let csrf = csrf_of(&anthuy, &app, &format!("/documents/{plan}")).await;
    let r = anthuy
        .post(app.url(&format!("/documents/{plan}/reports")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("unit_code", "X-ANTHUY"),
            ("period", "2021-04"),
        ])
        .send()
        .await
        .unwrap();
    let report = r.headers()["location"].to_str().unwrap().to_owned();
    let page = |client: &Client, path: String| {
        let client = client.clone();
        let url = app.url(&path);
        async move { client.get(url).send().await.unwrap() }
    };
    let html = page(&anthuy, report.clone()).await.text().await.unwrap();
    let kt05 = id_after(&html, "data-code=\"KT05\"", "rv");
    // Another number of the form, whichever.
    let other = html
        .split("name=\"v")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_digit())
                .collect::<String>()
        })
        .find(|id| !id.is_empty() && *id != kt05)
        .expect("a second number");
    let item = id_after(&html, "id=\"report-items\"", "p");
    let form = |kt05_value: &str, then: &str, version: String, html: &str| {
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("version".to_owned(), version),
            ("then".to_owned(), then.to_owned()),
            (
                "narrative".to_owned(),
                "Tháng 4: vận động 120 hộ".to_owned(),
            ),
            (format!("rv{kt05}"), input_value(html, &format!("rv{kt05}"))),
            (format!("v{kt05}"), kt05_value.to_owned()),
            (
                format!("rv{other}"),
                input_value(html, &format!("rv{other}")),
            ),
            (format!("v{other}"), "8".to_owned()),
            (format!("p{item}"), "40".to_owned()),
            (format!("c{item}"), "Đã khảo sát 3 tuyến kênh".to_owned()),
        ]
    };
    let version = input_value(&html, "version");

    // A number with two decimal commas: the form comes back with everything typed, the row
    // marked with the reason, and nothing saved.
    let r = post_multipart(
        &anthuy,
        app.url(&format!("{report}/narrative")),
        &form("12,3,4", "save", version.clone(), &html),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let back = r.text().await.unwrap();
    assert!(
        back.contains("id=\"form-error\""),
        "the page says it did not save"
    );
    assert!(
        back.contains("Tháng 4: vận động 120 hộ"),
        "the narrative typed"
    );
    assert_eq!(input_value(&back, &format!("v{kt05}")), "12,3,4");
    assert_eq!(input_value(&back, &format!("v{other}")), "8");
    assert!(back.contains("Đã khảo sát 3 tuyến kênh"));
    let marked = back.split("data-code=\"KT05\"").nth(1).unwrap();
    let marked = marked.split("</fieldset>").next().unwrap();
    assert!(marked.contains("aria-invalid=\"true\"") && marked.contains("field-error"));
    assert_eq!(
        back.matches("class=\"field-error\"").count(),
        1,
        "only the wrong row is marked"
    );
    let saved = page(&anthuy, report.clone()).await.text().await.unwrap();
    assert!(
        !saved.contains("Tháng 4: vận động 120 hộ"),
        "nothing was saved"
    );
    assert_eq!(input_value(&saved, "version"), version);

    // Attaching saves what is typed first, then the file.
    let r = post_multipart(
        &anthuy,
        app.url(&format!("{report}/narrative")),
        &form("25", "attach", version.clone(), &back),
        Some((
            "bien-ban.pdf",
            "application/pdf",
            b"%PDF-1.4 bien ban\n%%EOF",
        )),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let saved = page(&anthuy, report.clone()).await.text().await.unwrap();
    assert_eq!(input_value(&saved, &format!("v{kt05}")), "25");
    assert_eq!(input_value(&saved, &format!("v{other}")), "8");
    assert!(saved.contains("Tháng 4: vận động 120 hộ"));
    assert!(saved.contains("bien-ban.pdf"));
    // A refused file leaves the figures saved and says why, at the file.
    let r = post_multipart(
        &anthuy,
        app.url(&format!("{report}/narrative")),
        &form("26", "attach", input_value(&saved, "version"), &saved),
        Some(("anh.png", "image/png", b"not a picture")),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = r.text().await.unwrap();
    assert!(refused.contains("id=\"file-error\""));
    assert_eq!(input_value(&refused, &format!("v{kt05}")), "26");

    // Submitting saves, then shows what will be sent and asks once.
    let r = post_multipart(
        &anthuy,
        app.url(&format!("{report}/narrative")),
        &form("27", "submit", input_value(&refused, "version"), &refused),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let confirm = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(confirm, format!("{report}/confirm"));
    let asked = page(&anthuy, confirm).await.text().await.unwrap();
    assert!(asked.contains("id=\"confirm-form\""));
    assert!(
        !asked.contains("id=\"report-form\""),
        "read-only while asking"
    );
    assert!(asked.contains(">27<"), "the value that will be sent");
    assert!(
        asked.contains("data-state=\"draft\""),
        "not sent before the answer"
    );
    let r = anthuy
        .post(app.url(&format!("{report}/act")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "submit"),
            ("version", input_value(&asked, "version").as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let sent = page(&anthuy, report.clone()).await.text().await.unwrap();
    assert!(sent.contains("data-state=\"submitted\""));
}

//! The rating season's reminders (DOMAIN.md §1.6): on the day the season opens, a week before
//! the party's self-assessments are due and on the day they are due, every person with an
//! account who holds a post and has not yet assessed themself for the year is reminded in the
//! app. The home page says the same every day of the season ([`crate::todo`]).

use chrono::{Datelike, Duration, NaiveDate};
use trienkhai_core::grading::Subject;
use trienkhai_core::grading::workflow::season;
use trienkhai_store::{accounts, persons, ratings};

use super::Reminder;
use crate::{App, Result};

/// The reminders of `day`, if it is one of the season's.
pub(super) async fn rating_season_reminders(app: &App, day: NaiveDate) -> Result<Vec<Reminder>> {
    let year = day.year();
    let Some(s) = season(Subject::Member, year) else {
        return Ok(Vec::new());
    };
    let title = if day == s.opens {
        format!(
            "Bắt đầu kiểm điểm, đánh giá, xếp loại chất lượng năm {year}: đồng chí tự đánh giá, \
             xếp loại trước ngày {}",
            s.due.format("%d/%m/%Y")
        )
    } else if day == s.due - Duration::days(7) || day == s.due {
        format!(
            "Còn {} ngày đến hạn tự đánh giá, xếp loại chất lượng năm {year} ({})",
            (s.due - day).num_days(),
            s.due.format("%d/%m/%Y")
        )
    } else {
        return Ok(Vec::new());
    };
    let mut conn = app.db.reader().await?;
    let mut out = Vec::new();
    for account in accounts::list_accounts(&mut conn).await? {
        let Some(person) = account.person_id.filter(|_| account.is_active) else {
            continue;
        };
        let Some(post) = persons::posts_of_person(&mut conn, person)
            .await?
            .into_iter()
            .find(|p| p.validity.contains(day))
        else {
            continue;
        };
        let made =
            ratings::active_rating(&mut conn, year, Subject::Member, post.unit_id, Some(person))
                .await?;
        if made.is_none() {
            out.push(Reminder {
                accounts: vec![account.id],
                title: title.clone(),
                link: format!("/ratings?year={year}"),
                key: format!("rating_season:{year}:{day}"),
                email: false,
                webhook: false,
            });
        }
    }
    Ok(out)
}

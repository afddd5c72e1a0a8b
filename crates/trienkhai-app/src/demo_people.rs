//! The demo's people side (issue 13, point 6): study sessions of Nghị quyết 02-NQ/HU and of
//! Chỉ thị 01-CT/TU in every commune of Ba Tri and the district's class of key cadres, with
//! attendance and a few make-up sessions; the members of An Thủy's cells and their 2021
//! commitments, most collected and approved, some not yet. Figures and persons are
//! illustrative (fictional names), drawn from a fixed seed so every demo is the same.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use trienkhai_core::attendance::{Audience, StudyMode};
use trienkhai_core::ids::{DocumentId, UnitId};

use crate::commitments;
use crate::demo_plan::noise;
use crate::people::{self, PersonInput, PostInput};
use crate::study::{self, CountInput, SessionInput};
use crate::{Actor, App, Result};
use trienkhai_core::commitment::Section;
use trienkhai_core::registration::RegistrationAction;

fn count(audience: Audience, required: u32, present: u32, excused: u32) -> CountInput {
    CountInput {
        audience,
        required,
        present,
        excused,
    }
}

/// Who of `required` came and who was excused, for the seed: 90% to 100% present, most of
/// the absent with a reason.
fn turnout(seed: &[u64], audience: Audience, required: u32) -> CountInput {
    let absent = noise(seed, u64::from(required / 10 + 1)) as u32;
    let excused = absent - noise(&[seed[0], seed[1], 7], u64::from(absent / 3 + 1)) as u32;
    count(audience, required, required - absent, excused)
}

/// The sessions of one document: the district's class of key cadres on `first`, then each
/// commune's session of its members and the public within three weeks; every fourth commune
/// holds a make-up session for some of those who missed it.
async fn sessions_of(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    district: UnitId,
    communes: &[(String, UnitId)],
    first: NaiveDate,
    with_masses: bool,
) -> Result<usize> {
    let place = "Hội trường Huyện ủy (minh họa)";
    let mut recorded = 0;
    let record = |unit, day, place: &str, mode, makeup, counts| SessionInput {
        document_id: document,
        unit_id: unit,
        held_on: day,
        place: place.into(),
        mode,
        makeup,
        note: Some("Số liệu minh họa".into()),
        counts,
    };
    study::record(
        app,
        actor,
        &record(
            district,
            first,
            place,
            StudyMode::Online,
            false,
            vec![turnout(&[document.0 as u64, 0], Audience::KeyCadres, 186)],
        ),
    )
    .await?;
    recorded += 1;
    for (i, (name, unit)) in communes.iter().enumerate() {
        let seed = [document.0 as u64, i as u64 + 1];
        let day = first + Duration::days(3 + noise(&seed, 18) as i64);
        let members = 90 + noise(&[seed[0], seed[1], 1], 260) as u32;
        let mut counts = vec![turnout(&seed, Audience::PartyMembers, members)];
        if with_masses {
            let masses = 150 + noise(&[seed[0], seed[1], 2], 400) as u32;
            counts.push(turnout(&[seed[0], seed[1], 3], Audience::Masses, masses));
        }
        let missing = counts[0].required - counts[0].present;
        let place = format!("Hội trường {name} (minh họa)");
        study::record(
            app,
            actor,
            &record(*unit, day, &place, StudyMode::InPerson, false, counts),
        )
        .await?;
        recorded += 1;
        if i % 4 == 0 && missing > 1 {
            let makeup = vec![count(Audience::PartyMembers, 0, missing / 2, 0)];
            study::record(
                app,
                actor,
                &record(
                    *unit,
                    day + Duration::days(10),
                    &place,
                    StudyMode::InPerson,
                    true,
                    makeup,
                ),
            )
            .await?;
            recorded += 1;
        }
    }
    Ok(recorded)
}

/// Study sessions of the district's resolution and of the province's directive.
pub(crate) async fn build(
    app: &App,
    actor: &Actor,
    ids: &HashMap<String, UnitId>,
) -> Result<usize> {
    let district = ids["BTR"];
    let document = |number: &'static str| async move {
        crate::documents::list_documents(app, actor, Some(number), None, None)
            .await?
            .into_iter()
            .find(|d| d.document.number.as_str() == number)
            .map(|d| d.document.id)
            .ok_or(crate::AppError::NotFound)
    };
    let day = NaiveDate::from_ymd_opt(2021, 1, 8).unwrap_or_default();
    // The communes as they stood then, by name.
    let mut communes: Vec<(String, UnitId)> = crate::org::units_as_of(app, actor, day)
        .await?
        .into_iter()
        .filter(|u| u.parent_id == Some(district) && u.kind.starts_with("dang_uy_"))
        .map(|u| (u.name, u.id))
        .collect();
    communes.sort();
    let resolution = document(crate::demo_plan::DISTRICT_PLAN).await?;
    // XD03, "cadres and members who studied the resolution", counts its key cadres and members.
    let xd03 = crate::targets::targets_of_document(app, actor, resolution)
        .await?
        .into_iter()
        .find(|t| t.code == crate::demo_plan::ATTENDANCE_TARGET)
        .map(|t| t.id)
        .ok_or(crate::AppError::NotFound)?;
    crate::study_targets::link(
        app,
        actor,
        xd03,
        &crate::study_targets::LinkInput {
            document_id: resolution,
            audiences: vec![Audience::KeyCadres, Audience::PartyMembers],
        },
    )
    .await?;
    let mut n = sessions_of(app, actor, resolution, district, &communes, day, true).await?;
    n += sessions_of(
        app,
        actor,
        document("01-CT/TU").await?,
        district,
        &communes,
        NaiveDate::from_ymd_opt(2020, 11, 10).unwrap_or_default(),
        false,
    )
    .await?;
    Ok(n)
}

/// What a member commits to, by section (illustrative, after the forms in DOMAIN.md §2).
const COMMITMENT: [(Section, &str); 5] = [
    (
        Section::PoliticalIdeology,
        "Kiên định chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh; chấp hành nghiêm chủ trương của Đảng, chính sách, pháp luật của Nhà nước.",
    ),
    (
        Section::EthicsLifestyle,
        "Giữ gìn phẩm chất đạo đức, lối sống giản dị; không có biểu hiện suy thoái, \"tự diễn biến\", \"tự chuyển hóa\".",
    ),
    (
        Section::Discipline,
        "Sinh hoạt chi bộ đầy đủ, đóng đảng phí đúng quy định; chấp hành sự phân công của tổ chức.",
    ),
    (
        Section::Duties,
        "Hoàn thành các đầu việc được giao trong năm 2021 đúng thời hạn, có sản phẩm cụ thể.",
    ),
    (
        Section::FollowingUncleHo,
        "Vận động 5 hộ gia đình trong tổ tham gia giữ gìn vệ sinh môi trường, trữ nước ngọt mùa khô.",
    ),
];

/// Members of An Thủy's first two cells, each with a 2021 commitment: in the first cell all but
/// one collected (one still waiting for approval), in the second four of six.
pub(crate) async fn members_and_commitments(
    app: &App,
    actor: &Actor,
    cells: &[UnitId],
) -> Result<(usize, usize)> {
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
    let mut persons = 0;
    let mut written = 0;
    for (c, (&cell, (members, signed))) in cells.iter().zip([(8usize, 7usize), (6, 4)]).enumerate()
    {
        for n in 0..members {
            let seed = 500 + c * 20 + n;
            let person = people::create_person(
                app,
                actor,
                &PersonInput {
                    full_name: crate::demo::fictional_name(seed),
                    birth_year: Some(1960 + (seed as i64 % 40)),
                    party_admitted_on: Some(
                        day("2000-05-19") + Duration::days(seed as i64 * 53 % 7000),
                    ),
                    party_full_member_on: Some(
                        day("2001-05-19") + Duration::days(seed as i64 * 53 % 7000),
                    ),
                },
                Some(&PostInput {
                    unit_id: Some(cell),
                    title: "Đảng viên".into(),
                    valid_from: Some(day("2020-10-01")),
                    valid_to: Some(day("2025-06-30")),
                }),
                "illustrative",
            )
            .await?;
            persons += 1;
            if n >= signed {
                continue;
            }
            let id = commitments::open(app, actor, person, 2021, cell).await?;
            let sections: Vec<(Section, String)> = COMMITMENT
                .iter()
                .map(|(s, t)| (*s, (*t).to_owned()))
                .collect();
            let v = commitments::save_sections(app, actor, id, &sections, 1).await?;
            let v = commitments::act(app, actor, id, RegistrationAction::Submit, None, v).await?;
            if n + 1 < signed {
                commitments::act(app, actor, id, RegistrationAction::Approve, None, v).await?;
            }
            written += 1;
        }
    }
    Ok((persons, written))
}

/// The district's and An Thủy's emulation goals under the district's plan for "Đồng khởi mới"
/// (15-KH/HU): the whole phase and the year 2021, with the year's results.
pub(crate) async fn emulation_goals(
    app: &App,
    actor: &Actor,
    ids: &HashMap<String, UnitId>,
) -> Result<usize> {
    use crate::emulation::{GoalInput, record_result, register};
    use rust_decimal::Decimal;
    use trienkhai_core::period::Period;
    let plan = crate::documents::list_documents(app, actor, Some("15-KH/HU"), None, None)
        .await?
        .into_iter()
        .next()
        .map(|d| d.document.id)
        .ok_or(crate::AppError::NotFound)?;
    let whole = Period::parse("2020..2025")?;
    let year = Period::parse("2021")?;
    /// Unit, phase, goal, its figure (counted in, at least), the result recorded.
    type DemoGoal<'a> = (
        &'a str,
        Period,
        &'a str,
        Option<(&'a str, i64)>,
        Option<Decimal>,
    );
    let goals: [DemoGoal; 4] = [
        (
            "BTR",
            whole,
            "Đảng bộ huyện đạt danh hiệu trong sạch, vững mạnh cả giai đoạn",
            None,
            None,
        ),
        (
            "BTR",
            year,
            "Thu nhập bình quân đầu người",
            Some(("triệu đồng", 55)),
            Some(Decimal::new(562, 1)),
        ),
        (
            "BTR",
            year,
            "Số xã đạt chuẩn nông thôn mới trong năm",
            Some(("xã", 3)),
            Some(Decimal::from(2)),
        ),
        (
            "X-ANTHUY",
            year,
            "Tỷ lệ hộ trữ đủ nước ngọt mùa khô",
            Some(("%", 100)),
            Some(Decimal::from(97)),
        ),
    ];
    for (unit, phase, title, figure, result) in goals {
        let id = register(
            app,
            actor,
            &GoalInput {
                document_id: plan,
                unit_id: ids[unit],
                phase,
                title: title.into(),
                measure: figure.map(|(m, _)| m.to_owned()),
                goal: figure.map(|(_, g)| Decimal::from(g)),
            },
        )
        .await?;
        if result.is_some() {
            record_result(app, actor, id, result, None, Some("Số liệu minh họa"), 1).await?;
        }
    }
    Ok(goals.len())
}

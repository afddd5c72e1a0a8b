//! The results of the tasks under NĐ 335 (Art. 14; DOMAIN.md §1.5), on the products of a month
//! or a quarter (converted work units): quantity = completed / assigned; quality = completed
//! meeting the requirements / assigned, each product losing 25% of its quality for every major
//! error; timeliness = completed on time / assigned, each product losing 25% of its timeliness
//! for every delay. Neither deduction applies when the competent level has confirmed an
//! objective cause. The year's result is the average of its months or quarters.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// One product (or converted work unit) of the period.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Product {
    pub completed: bool,
    /// Times it failed the quality requirements on a major point.
    pub quality_errors: u32,
    /// Times it was delayed.
    pub delays: u32,
    /// The competent level confirmed the errors or delays had an objective cause.
    pub objective_cause: bool,
}

/// The three shares of a period, in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TaskResult {
    pub quantity: Decimal,
    pub quality: Decimal,
    pub timeliness: Decimal,
}

/// What remains of a product's points after `n` deductions of 25%: never below nothing.
fn after_deductions(n: u32, exempt: bool) -> Decimal {
    if exempt {
        return Decimal::ONE;
    }
    (Decimal::ONE - Decimal::new(25, 2) * Decimal::from(n)).max(Decimal::ZERO)
}

/// A period's result; none when nothing was assigned.
pub fn period_result(products: &[Product]) -> Option<TaskResult> {
    if products.is_empty() {
        return None;
    }
    let assigned = Decimal::from(products.len() as u64);
    let pct = |sum: Decimal| (sum * Decimal::from(100) / assigned).round_dp(2);
    let done = products.iter().filter(|p| p.completed);
    let quantity = done.clone().count();
    let quality: Decimal = done
        .clone()
        .map(|p| after_deductions(p.quality_errors, p.objective_cause))
        .sum();
    let timeliness: Decimal = done
        .map(|p| after_deductions(p.delays, p.objective_cause))
        .sum();
    Some(TaskResult {
        quantity: pct(Decimal::from(quantity as u64)),
        quality: pct(quality),
        timeliness: pct(timeliness),
    })
}

/// The year's result: the average of its periods' results (months or quarters actually worked:
/// a period with nothing assigned is left out, as leave is).
pub fn year_result(periods: &[Option<TaskResult>]) -> Result<TaskResult, DomainError> {
    let worked: Vec<&TaskResult> = periods.iter().flatten().collect();
    if worked.is_empty() {
        return Err(DomainError::new("no_period_results", "periods"));
    }
    let n = Decimal::from(worked.len() as u64);
    let mean = |f: fn(&TaskResult) -> Decimal| {
        (worked.iter().map(|&r| f(r)).sum::<Decimal>() / n).round_dp(2)
    };
    Ok(TaskResult {
        quantity: mean(|r| r.quantity),
        quality: mean(|r| r.quality),
        timeliness: mean(|r| r.timeliness),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    const DONE: Product = Product {
        completed: true,
        quality_errors: 0,
        delays: 0,
        objective_cause: false,
    };

    #[test]
    fn a_delayed_product_loses_a_quarter_of_its_timeliness_unless_the_cause_was_objective() {
        // Four products: all done, one delayed once.
        let mut products = [DONE; 4];
        products[3].delays = 1;
        let r = period_result(&products).unwrap();
        assert_eq!(
            (r.quantity, r.quality, r.timeliness),
            (dec("100"), dec("100"), dec("93.75"))
        );
        // The same delay with an approved objective cause costs nothing.
        products[3].objective_cause = true;
        assert_eq!(period_result(&products).unwrap().timeliness, dec("100"));
    }

    #[test]
    fn errors_and_delays_deduct_a_quarter_each_never_below_nothing() {
        let products = [
            Product {
                quality_errors: 2,
                ..DONE
            },
            Product { delays: 5, ..DONE },
            Product {
                completed: false,
                ..DONE
            },
        ];
        let r = period_result(&products).unwrap();
        // Quantity 2/3; quality (0,5 + 1) / 3; timeliness (1 + 0) / 3.
        assert_eq!(r.quantity, dec("66.67"));
        assert_eq!(r.quality, dec("50"));
        assert_eq!(r.timeliness, dec("33.33"));
        assert_eq!(period_result(&[]), None);
    }

    #[test]
    fn the_year_is_the_average_of_the_months_worked() {
        let full = period_result(&[DONE; 2]);
        let mut half = [DONE; 2];
        half[1].completed = false;
        let half = period_result(&half);
        let y = year_result(&[full, half, None]).unwrap();
        assert_eq!(y.quantity, dec("75"));
        assert_eq!(
            year_result(&[None, None]).unwrap_err().code,
            "no_period_results"
        );
    }
}

//! A figure taken several times: its median, what the runs spread over, and every run, so a
//! report never rests on one lucky (or unlucky) run of a noisy machine.

/// A figure's runs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Spread {
    /// The median of the runs (the middle one, or the mean of the two middle ones).
    pub median: f64,
    /// The lowest run.
    pub low: f64,
    /// The highest run.
    pub high: f64,
    /// Every run, in the order taken.
    pub runs: Vec<f64>,
}

impl Spread {
    /// The spread of `runs` (at least one).
    pub fn of(runs: Vec<f64>) -> Self {
        let mut sorted = runs.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = match n {
            0 => f64::NAN,
            _ if n % 2 == 1 => sorted[n / 2],
            _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        };
        Self {
            median,
            low: sorted.first().copied().unwrap_or(f64::NAN),
            high: sorted.last().copied().unwrap_or(f64::NAN),
            runs,
        }
    }

    /// Half the range over the median, as a percentage: "±4%".
    pub fn plus_minus(&self) -> String {
        if self.runs.len() < 2 || self.median == 0.0 {
            return String::new();
        }
        format!(
            "±{:.0}%",
            (self.high - self.low) / 2.0 / self.median.abs() * 100.0
        )
    }
}

/// Runs `measure` `times` times (at least once), in turn.
pub async fn repeat<T, F, Fut>(times: usize, mut measure: F) -> anyhow::Result<Vec<T>>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut out = Vec::with_capacity(times.max(1));
    for run in 0..times.max(1) {
        out.push(measure(run).await?);
    }
    Ok(out)
}

/// The spread of one field over several runs.
pub fn over<T>(runs: &[T], field: impl Fn(&T) -> f64) -> Spread {
    Spread::of(runs.iter().map(field).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_three_is_the_middle_run_whatever_the_order() {
        let s = Spread::of(vec![30.0, 10.0, 20.0]);
        assert_eq!((s.median, s.low, s.high), (20.0, 10.0, 30.0));
        assert_eq!(s.runs, vec![30.0, 10.0, 20.0]);
        assert_eq!(s.plus_minus(), "±50%");
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(Spread::of(vec![4.0, 1.0, 3.0, 2.0]).median, 2.5);
    }

    #[test]
    fn one_run_has_no_spread_to_show() {
        let s = Spread::of(vec![7.0]);
        assert_eq!((s.median, s.low, s.high), (7.0, 7.0, 7.0));
        assert_eq!(s.plus_minus(), "");
    }
}

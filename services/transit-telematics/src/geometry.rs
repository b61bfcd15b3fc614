//! Two questions on WGS 84 coordinates: is a point inside a polygon, and how far is it from a
//! line. Hand-written (some forty lines) rather than the `geo` crate, which would bring a
//! dozen crates for these two functions; distances use a local equirectangular projection,
//! within a few metres of the great-circle distance at the scale of a road's width.

/// A point: longitude, latitude (GeoJSON's order), degrees.
pub type Point = [f64; 2];

/// The Earth's mean radius, metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Whether `p` is inside the ring `ring` (first point repeated last or not): even-odd rule.
pub fn inside(ring: &[Point], p: Point) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
            if p[0] < x {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// Metres from `p` to the nearest point of the line through `line`'s points.
pub fn distance_to_line(line: &[Point], p: Point) -> f64 {
    let scale = p[1].to_radians().cos();
    let local = |q: Point| -> (f64, f64) {
        (
            (q[0] - p[0]).to_radians() * scale * EARTH_RADIUS_M,
            (q[1] - p[1]).to_radians() * EARTH_RADIUS_M,
        )
    };
    match line {
        [] => f64::INFINITY,
        [only] => norm(local(*only)),
        _ => line
            .windows(2)
            .map(|w| distance_to_segment(local(w[0]), local(w[1])))
            .fold(f64::INFINITY, f64::min),
    }
}

/// Metres between two points.
pub fn distance(a: Point, b: Point) -> f64 {
    distance_to_line(&[a], b)
}

fn norm((x, y): (f64, f64)) -> f64 {
    (x * x + y * y).sqrt()
}

/// Distance from the origin to the segment a–b (local metres).
fn distance_to_segment(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length2 = dx * dx + dy * dy;
    if length2 == 0.0 {
        return norm(a);
    }
    let t = (-(a.0 * dx + a.1 * dy) / length2).clamp(0.0, 1.0);
    norm((a.0 + t * dx, a.1 + t * dy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_inside_a_square_and_outside_beyond_it() {
        let square = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        assert!(inside(&square, [0.5, 0.5]));
        assert!(!inside(&square, [1.5, 0.5]));
        assert!(!inside(&square, [0.5, -0.1]));
    }

    #[test]
    fn a_thousandth_of_a_degree_of_latitude_is_about_111_metres() {
        let line = [[-4.0, 10.0], [-3.0, 10.0]];
        let d = distance_to_line(&line, [-3.5, 10.001]);
        assert!((d - 111.2).abs() < 1.0, "{d}");
        // Beyond the segment's end, the distance is to the end point.
        let d = distance_to_line(&line, [-2.999, 10.0]);
        assert!((d - 109.5).abs() < 1.0, "{d}");
    }
}

//! A small seeded generator (the tutorial's shuffle and `--size` data) and
//! the input shapes of `--input`.

/// SplitMix64: tiny, fast, and good enough to shuffle and to make test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// A seed from the clock, for runs without `--seed`.
    pub fn from_time() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Rng(nanos ^ u64::from(std::process::id()).rotate_left(32))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`: Python's `random.randint`, as `shufflesort`
    /// calls it.
    pub fn randint(&mut self, lo: usize, hi: usize) -> usize {
        let span = (hi - lo) as u64 + 1;
        lo + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as usize
    }
}

/// The shape of generated input (`--input`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shape {
    /// Uniform random 64-bit integers.
    Random,
    /// Already ascending.
    Sorted,
    /// Descending.
    Reverse,
    /// One value repeated.
    Equal,
    /// Random picks from 16 distinct values.
    FewUnique,
}

impl Shape {
    pub fn name(self) -> &'static str {
        match self {
            Shape::Random => "random",
            Shape::Sorted => "sorted",
            Shape::Reverse => "reverse",
            Shape::Equal => "equal",
            Shape::FewUnique => "few-unique",
        }
    }
}

/// Fills `v` (cleared first) with `n` integers of the given shape.
pub fn generate(v: &mut Vec<u64>, n: usize, shape: Shape, rng: &mut Rng) {
    generate_until(v, n, shape, rng, |_| true);
}

/// Generates in steps of this many integers, looking at `keep_going` between.
const STEP: usize = 1 << 20;

/// [`generate`], asking `keep_going(done)` every `STEP` (2^20) integers whether
/// to go on (Ctrl-C, progress). Returns `false` if it stopped early.
pub fn generate_until(
    v: &mut Vec<u64>,
    n: usize,
    shape: Shape,
    rng: &mut Rng,
    mut keep_going: impl FnMut(usize) -> bool,
) -> bool {
    v.clear();
    let x = rng.next_u64();
    let values: Vec<u64> = match shape {
        Shape::FewUnique => (0..16).map(|_| rng.next_u64()).collect(),
        _ => Vec::new(),
    };
    while v.len() < n {
        if !keep_going(v.len()) {
            return false;
        }
        let (from, to) = (v.len(), n.min(v.len() + STEP));
        match shape {
            Shape::Random => v.extend((from..to).map(|_| rng.next_u64())),
            Shape::Sorted => v.extend(from as u64..to as u64),
            Shape::Reverse => v.extend((from..to).map(|i| (n - 1 - i) as u64)),
            Shape::Equal => v.resize(to, x),
            Shape::FewUnique => {
                v.extend((from..to).map(|_| values[(rng.next_u64() >> 60) as usize]))
            }
        }
    }
    keep_going(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_have_their_shape() {
        let mut rng = Rng::new(1);
        let mut v = Vec::new();
        generate(&mut v, 1000, Shape::Sorted, &mut rng);
        assert!(v.is_sorted() && v.len() == 1000);
        generate(&mut v, 1000, Shape::Reverse, &mut rng);
        assert!(v.is_sorted_by(|a, b| a > b));
        generate(&mut v, 1000, Shape::Equal, &mut rng);
        assert!(v.iter().all(|x| *x == v[0]));
        generate(&mut v, 1000, Shape::FewUnique, &mut rng);
        let mut d = v.clone();
        d.sort();
        d.dedup();
        assert!(d.len() > 1 && d.len() <= 16);
        generate(&mut v, 1000, Shape::Random, &mut rng);
        assert!(!v.is_sorted());
        // In steps: the same shapes, and a stop is seen between steps.
        for shape in [Shape::Sorted, Shape::Reverse, Shape::Equal] {
            generate(&mut v, 3 * STEP + 5, shape, &mut rng);
            assert_eq!(v.len(), 3 * STEP + 5);
            match shape {
                Shape::Sorted => assert!(v.is_sorted() && v[0] == 0),
                Shape::Reverse => assert!(v.is_sorted_by(|a, b| a > b) && v[v.len() - 1] == 0),
                _ => assert!(v.iter().all(|x| *x == v[0])),
            }
        }
        let mut asked = Vec::new();
        let done = generate_until(&mut v, 3 * STEP, Shape::Random, &mut rng, |k| {
            asked.push(k);
            k < STEP
        });
        assert!(!done);
        assert_eq!((asked, v.len()), (vec![0, STEP], STEP));
    }

    #[test]
    fn randint_stays_in_range() {
        let mut rng = Rng::new(3);
        for _ in 0..10_000 {
            let r = rng.randint(5, 9);
            assert!((5..=9).contains(&r));
        }
        assert_eq!(rng.randint(4, 4), 4);
    }
}

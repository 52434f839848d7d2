//! The two stores the registry runs on, and [`on_both_stores!`](crate::on_both_stores), which
//! runs a test once on each.
//!
//! Like `postgres.rs`, this file needs nothing beyond std: the registry crate's store tests
//! include it by path, so its unit tests and these end-to-end tests run on both stores the same
//! way without either crate depending on the other.

/// A store a test runs against: the registry must behave the same on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each listed test function, which takes a [`Backend`], once per store as the tests
/// `NAME::sqlite` and `NAME::postgres`, so a failure names the store it failed on.
///
/// `on_both_stores!(a, b)` makes `#[test]`s of `fn a(backend: Backend)`;
/// `on_both_stores!(async a, b)` makes tokio tests of `async fn a(backend: Backend)` (the
/// calling crate depends on tokio). `Backend` must be in scope where the macro is used.
#[macro_export]
macro_rules! on_both_stores {
    (async $($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(super::Backend::Postgres).await;
                }
            }
        )+
    };
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(super::Backend::Sqlite);
                }

                #[test]
                fn postgres() {
                    super::$name(super::Backend::Postgres);
                }
            }
        )+
    };
}

//! Shared test support: the mock registry and its fixtures.

pub mod fixtures;
pub mod mock_registry;

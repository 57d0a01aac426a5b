//! Palisade's OS sandbox for the commands an agent runs (`palisade run`).
//!
//! This first layer set confines a process without namespaces or root:
//! - [`fs`]: a Landlock ruleset (Linux ≥ 5.13): everything readable and
//!   executable, writes only under the given roots;
//! - [`env`]: the environment cut down to an allow-list, so that tokens in
//!   the user's shell never reach the command.
//!
//! Namespaces (hidden credential paths, no network), seccomp and the domain
//! proxy are later layers.

#![deny(missing_docs)]

pub mod env;
pub mod fs;

//! One module per subcommand.

pub mod doctor;
pub mod explain;
pub mod hook;
pub mod install;
pub mod rules;
pub mod scan;

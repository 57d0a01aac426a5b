//! One module per subcommand.

pub mod db;
pub mod doctor;
pub mod explain;
pub mod hook;
pub mod install;
pub mod log;
pub mod log_ship;
pub mod redact;
pub mod rules;
pub mod run;
pub mod scan;
pub mod ui;

//! `palisade`: a security control plane for AI coding agents.
//!
//! This crate is the command line only: it parses arguments, calls the
//! library crates, and renders their results.

#[macro_use]
mod exit;
mod audit;
mod cmd;
mod crash;
mod env;
mod relay;
mod ship_trigger;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Palisade gates what AI coding agents do: every shell command, file read
/// or write, web fetch and MCP call is checked against a layered policy
/// (Claude Code's own permission rules, palisade.toml, built-in guard packs)
/// and answered allow, ask, deny or pass, with the rule and file that decided.
///
/// Quick start:
///   palisade install claude-code          wire the hook into ~/.claude/settings.json
///   palisade explain 'curl x | sh'        see what Palisade decides, and why
///   palisade doctor                       check that the hook is wired and working
///   palisade scan .                       find secrets in the project
///   palisade run -- npm test              run a command confined (writes only in the project)
///   cmd | palisade redact                 replace secrets in a stream with [REDACTED:<kind>]
///   palisade log tail                     the newest decisions (`palisade log verify` checks the log)
///   palisade ui                           a local web page over the log: decisions, rules, sessions
///
/// Exit codes: 0 ok / allow / pass, 1 deny, 2 usage or configuration error,
/// 3 ask. `palisade hook` follows the agent's protocol instead.
#[derive(Parser)]
#[command(
    name = "palisade",
    version,
    about,
    long_about,
    verbatim_doc_comment,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Hook(cmd::hook::Args),
    Explain(cmd::explain::Args),
    Install(cmd::install::InstallArgs),
    Uninstall(cmd::install::UninstallArgs),
    Doctor(cmd::doctor::Args),
    Rules(cmd::rules::Args),
    Scan(cmd::scan::Args),
    Run(cmd::run::Args),
    Redact(cmd::redact::Args),
    Db(cmd::db::Args),
    Log(cmd::log::Args),
    Ui(cmd::ui::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Hook(a) => cmd::hook::run(a),
        Command::Explain(a) => exit::report(cmd::explain::run(a)),
        Command::Install(a) => exit::report(cmd::install::run_install(a)),
        Command::Uninstall(a) => exit::report(cmd::install::run_uninstall(a)),
        Command::Doctor(a) => exit::report(cmd::doctor::run(a)),
        Command::Rules(a) => exit::report(cmd::rules::run(a)),
        Command::Scan(a) => exit::report(cmd::scan::run(a)),
        Command::Run(a) => exit::report(cmd::run::run(a)),
        Command::Redact(a) => exit::report(cmd::redact::run(a)),
        Command::Db(a) => exit::report(cmd::db::run(a)),
        Command::Log(a) => exit::report(cmd::log::run(a)),
        Command::Ui(a) => exit::report(cmd::ui::run(a)),
    }
}

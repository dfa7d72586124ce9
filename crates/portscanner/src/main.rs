fn main() {
    let _ = common::cli::parse_from::<Cli, _, _>(std::env::args_os());
}

#[derive(clap::Parser)]
#[command(version, about)]
struct Cli {}

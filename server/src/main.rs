use app::ssr::seed::{DEMO_LOGINS, DEMO_PASSWORD};
use app::ssr::Config;
use clap::Parser;
use leptos::config::get_configuration;
use server::cli::{Cli, Command};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            std::process::exit(2);
        }
    };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    if config.log_json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }

    // Leptos.toml holds the site layout; LEPTOS_* variables (set by cargo-leptos) override it.
    let conf_file = std::path::Path::new("Leptos.toml")
        .exists()
        .then_some("Leptos.toml");
    let leptos_options = match get_configuration(conf_file) {
        Ok(c) => c.leptos_options,
        Err(e) => {
            eprintln!("leptos configuration error: {e}");
            std::process::exit(2);
        }
    };

    if let Some(Command::Members { action }) = cli.command {
        let config = Config {
            demo_seed: false,
            ..config
        };
        let db = match app::ssr::db::Db::connect(&config.database_url).await {
            Ok(db) => db,
            Err(e) => {
                let url = &config.database_url;
                eprintln!(
                    "cannot open database {}: {}",
                    server::redact(url),
                    server::scrub(&e, url)
                );
                std::process::exit(2);
            }
        };
        std::process::exit(server::cli::run_members(&db, action).await);
    }

    let addr = config
        .listen_addr
        .clone()
        .unwrap_or_else(|| leptos_options.site_addr.to_string());
    let demo = config.demo_seed;
    let db_url = server::redact(&config.database_url);
    let state = match server::make_state(config, leptos_options).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let listener = match TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    // The bound address, not the configured one: with port 0 the system picks it, and the
    // test harness reads it from this line.
    let addr = listener.local_addr().map_or(addr, |a| a.to_string());
    println!("Member Tech Support desk on http://{addr} (database {db_url})");
    if demo {
        println!("Demo logins, password '{DEMO_PASSWORD}' (APP_DEMO is on; never in production):");
        for (user, what) in DEMO_LOGINS {
            println!("  {user:<8} {what}");
        }
    } else {
        println!("No demo accounts (APP_DEMO=1 adds them to an empty database).");
    }
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM handler");
            tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
    };
    if let Err(e) = server::serve(state, listener, shutdown).await {
        eprintln!("server error: {e}");
        std::process::exit(1);
    }
}

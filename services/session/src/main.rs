fn main() {
    eprintln!("session-service: not built yet");
    std::process::exit(1);
}

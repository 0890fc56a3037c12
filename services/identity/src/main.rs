fn main() {
    eprintln!("identity-service: not built yet");
    std::process::exit(1);
}

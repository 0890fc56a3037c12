fn main() {
    eprintln!("coach: not built yet");
    std::process::exit(1);
}

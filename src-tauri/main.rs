fn main() { frontdesk_desktop::run() }

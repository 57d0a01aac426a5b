//! Bridges TCP connections on the sandbox's loopback to the proxy's unix
//! socket outside it.

use std::net::TcpListener;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;

/// Accepts connections on `listener` forever; each is connected to the
/// unix socket `to` and bytes are copied both ways on two threads.
///
/// Errors: only if accepting fails.
pub fn bridge(listener: TcpListener, to: PathBuf) -> std::io::Result<()> {
    loop {
        let (tcp, _) = listener.accept()?;
        let to = to.clone();
        std::thread::spawn(move || {
            let Ok(unix) = UnixStream::connect(&to) else {
                return;
            };
            let (Ok(mut tcp_r), Ok(mut unix_w)) = (tcp.try_clone(), unix.try_clone()) else {
                return;
            };
            let up = std::thread::spawn(move || {
                let _ = std::io::copy(&mut tcp_r, &mut unix_w);
                let _ = unix_w.shutdown(std::net::Shutdown::Write);
            });
            let (mut unix_r, mut tcp_w) = (unix, tcp);
            let _ = std::io::copy(&mut unix_r, &mut tcp_w);
            let _ = tcp_w.shutdown(std::net::Shutdown::Write);
            let _ = up.join();
        });
    }
}

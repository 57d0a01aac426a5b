//! The bridge inside the sandbox: a TCP listener on the sandbox's own
//! loopback whose connections are carried to the proxy's Unix socket
//! outside (the socket file is the only way out of the empty network
//! namespace).
//!
//! Plain threads, no async runtime: the bridge runs in a process forked
//! into the namespace. Two threads per connection, one per direction; an
//! end of stream is passed on as a half-close (`shutdown(SHUT_WR)`), so
//! protocols that close one direction first keep working. Bytes move
//! through a 256 KiB buffer per direction: measured with
//! `examples/proxy_bench.rs` (Linux 6.18, 2 cores), that takes less CPU
//! and gives more throughput than `splice(2)` through a pipe, which saves
//! no copy into or out of a Unix socket ([`CopyMode::Splice`] is kept for
//! measuring elsewhere).

use nix::errno::Errno;
use nix::fcntl::{splice, SpliceFFlags};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The buffer size of [`CopyMode::Buffered`], and the most bytes one
/// `splice` call moves, in bytes.
const CHUNK: usize = 256 * 1024;

/// How a bridge moves bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyMode {
    /// `read` into a buffer, `write` from it.
    Buffered,
    /// `splice(2)` into a pipe and out of it; falls back to
    /// [`CopyMode::Buffered`] where the kernel refuses.
    Splice,
}

/// Accepts connections on `listener` forever; connects each to the Unix
/// socket at `to` and copies bytes both ways until both directions have
/// ended. Uses [`CopyMode::Buffered`].
///
/// # Errors
/// Only if accepting fails for a reason other than a transient one (an
/// aborted connection, a signal, running out of descriptors or memory,
/// after which it waits briefly and goes on). A connection whose Unix
/// side cannot be reached is closed; the bridge goes on.
pub fn bridge(listener: TcpListener, to: PathBuf) -> io::Result<()> {
    bridge_with(listener, to, CopyMode::Buffered)
}

/// [`bridge`], moving bytes as `mode` says.
///
/// # Errors
/// As [`bridge`].
pub fn bridge_with(listener: TcpListener, to: PathBuf, mode: CopyMode) -> io::Result<()> {
    loop {
        let tcp = match listener.accept() {
            Ok((tcp, _)) => tcp,
            Err(e) => match Errno::from_raw(e.raw_os_error().unwrap_or(0)) {
                Errno::ECONNABORTED | Errno::EINTR | Errno::EPROTO | Errno::EPERM => continue,
                Errno::EMFILE | Errno::ENFILE | Errno::ENOBUFS | Errno::ENOMEM => {
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
                _ => return Err(e),
            },
        };
        let to = to.clone();
        // If no thread can be started, the connection is dropped (closed).
        let _ = std::thread::Builder::new()
            .name("palisade-bridge".into())
            .spawn(move || serve(tcp, &to, mode));
    }
}

/// Carries one connection; returns when both directions have ended.
fn serve(tcp: TcpStream, to: &Path, mode: CopyMode) {
    let Ok(unix) = UnixStream::connect(to) else {
        return;
    };
    let _ = tcp.set_nodelay(true);
    let (Ok(tcp2), Ok(unix2)) = (tcp.try_clone(), unix.try_clone()) else {
        return;
    };
    let up = std::thread::Builder::new()
        .name("palisade-bridge".into())
        .spawn(move || pump(Stream::Tcp(tcp2), Stream::Unix(unix2), mode));
    if up.is_err() {
        return;
    }
    pump(Stream::Unix(unix), Stream::Tcp(tcp), mode);
    if let Ok(up) = up {
        let _ = up.join();
    }
}

/// One end of a bridged connection.
enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Stream {
    fn shutdown(&self, how: Shutdown) {
        // Already shut down or reset: nothing more to do.
        let _ = match self {
            Self::Tcp(s) => s.shutdown(how),
            Self::Unix(s) => s.shutdown(how),
        };
    }

    fn fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match self {
            Self::Tcp(s) => s.as_fd(),
            Self::Unix(s) => s.as_fd(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Tcp(s) => s.read(buf),
            Self::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Tcp(s) => s.write(buf),
            Self::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Copies `from` to `to` until end of stream, then half-closes `to`. On an
/// error, both streams are shut down both ways so that the other
/// direction's thread wakes up and ends too.
fn pump(mut from: Stream, mut to: Stream, mode: CopyMode) {
    let result = match mode {
        CopyMode::Splice => match SplicePipe::new() {
            Ok(pipe) => pipe.copy(&mut from, &mut to),
            Err(_) => copy_buffered(&mut from, &mut to),
        },
        CopyMode::Buffered => copy_buffered(&mut from, &mut to),
    };
    match result {
        Ok(()) => to.shutdown(Shutdown::Write),
        Err(_) => {
            from.shutdown(Shutdown::Both);
            to.shutdown(Shutdown::Both);
        }
    }
}

/// Copies through a user-space buffer until end of stream.
fn copy_buffered(from: &mut Stream, to: &mut Stream) -> io::Result<()> {
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        to.write_all(&buf[..n])?;
    }
}

/// A pipe to splice through.
struct SplicePipe {
    read: OwnedFd,
    write: OwnedFd,
}

impl SplicePipe {
    fn new() -> io::Result<Self> {
        let (read, write) = nix::unistd::pipe()?;
        // A bigger pipe moves more per call; the default (64 KiB) still
        // works if the system limit refuses this.
        let size = i32::try_from(CHUNK).unwrap_or(i32::MAX);
        let _ = nix::fcntl::fcntl(&write, nix::fcntl::FcntlArg::F_SETPIPE_SZ(size));
        Ok(Self { read, write })
    }

    /// Splices `from` → pipe → `to` until end of stream. If the kernel
    /// refuses to splice one of the sockets, the bytes already in the pipe
    /// are passed on and the copy goes on through a buffer.
    fn copy(&self, from: &mut Stream, to: &mut Stream) -> io::Result<()> {
        let flags = SpliceFFlags::SPLICE_F_MOVE;
        loop {
            let n = match splice(from.fd(), None, &self.write, None, CHUNK, flags) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(Errno::EINTR) => continue,
                Err(Errno::EINVAL | Errno::ENOSYS) => return copy_buffered(from, to),
                Err(e) => return Err(e.into()),
            };
            let mut left = n;
            while left > 0 {
                match splice(&self.read, None, to.fd(), None, left, flags) {
                    Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                    Ok(m) => left -= m,
                    Err(Errno::EINTR) => {}
                    Err(Errno::EINVAL | Errno::ENOSYS) => {
                        self.drain(left, to)?;
                        return copy_buffered(from, to);
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }

    /// Writes the `left` bytes waiting in the pipe to `to` the plain way.
    fn drain(&self, mut left: usize, to: &mut Stream) -> io::Result<()> {
        let mut buf = vec![0u8; left.min(CHUNK)];
        while left > 0 {
            let want = left.min(buf.len());
            let n = nix::unistd::read(&self.read, &mut buf[..want])?;
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            to.write_all(&buf[..n])?;
            left -= n;
        }
        Ok(())
    }
}

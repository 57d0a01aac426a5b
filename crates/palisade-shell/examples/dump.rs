//! temp
fn main() {
    for a in std::env::args().skip(1) {
        let an = palisade_shell::analyze(&a);
        println!("=== {a}  err={:?}", an.parse_error);
        for (i, c) in an.commands.iter().enumerate() {
            println!("[{i}] {:?} words={:?} wr={:?} as={:?} org={:?} par={:?} pipe={:?} dyn={} red={:?}", c.raw, c.words.iter().map(|w| &w.value).collect::<Vec<_>>(), c.wrappers, c.assignments.iter().map(|(a,b)| format!("{a}={}", b.value)).collect::<Vec<_>>(), c.origin, c.parent, c.pipeline.map(|p| (p.id,p.index,p.len)), c.dynamic, c.redirects.iter().map(|r| (r.op, r.fd, r.target.value.clone(), r.body.clone())).collect::<Vec<_>>());
            println!("     effects: {:?}", palisade_shell::effects(c));
        }
    }
}

/// The inline stylesheet of the plan preview: the page layout, then one block of rules per network.
enum PlanStyleSheet {
    static let css = """
        :root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --page: #f3f4f6; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--page); color: var(--ink);
          font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
        .top { padding: 24px 32px 16px; background: #fff; border-bottom: 1px solid var(--line); }
        h1 { margin: 0 0 4px; font-size: 24px; }
        .meta { margin: 0 0 16px; color: var(--muted); }
        .summary { display: flex; flex-wrap: wrap; gap: 12px; margin: 0; padding: 0; list-style: none; }
        .count { min-width: 120px; padding: 10px 16px; border-radius: 10px; background: var(--page);
          border-left: 6px solid var(--accent, #8c959f); color: var(--muted); }
        .count .n { display: block; font-size: 28px; font-weight: 700; color: var(--ink); }
        .d-create { --accent: #1a7f37; } .d-update { --accent: #0969da; } .d-unchanged { --accent: #8c959f; }
        .d-skip { --accent: #bf8700; } .d-failed { --accent: #cf222e; } .d-blocked { --accent: #8250df; }
        .d-delete { --accent: #bc4c00; } .d-baselined { --accent: #6e7781; } .d-removed { --accent: #57606a; }
        main { padding: 16px 32px 48px; }
        .empty { color: var(--muted); }
        .item { content-visibility: auto; contain-intrinsic-size: auto 520px; margin: 0 0 20px; padding: 16px 20px;
          background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--accent); border-radius: 12px; }
        .item-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 10px; margin-bottom: 8px; }
        .item-head h2 { margin: 0; font-size: 18px; }
        .item-head code { color: var(--muted); font-size: 13px; }
        .badge { padding: 2px 10px; border-radius: 999px; background: var(--accent); color: #fff;
          font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
        .error { margin: 8px 0; padding: 8px 12px; border-radius: 8px; background: #ffebe9; color: #82071e; }
        .message { margin: 8px 0; padding: 8px 12px; border-radius: 8px; background: #f6f8fa; color: #424a53; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px;
          align-items: start; }
        .card { overflow: hidden; background: #fff; border: 1px solid var(--line); border-radius: 12px;
          box-shadow: 0 1px 3px rgba(31, 35, 40, .08); }
        .card-head { display: flex; align-items: center; gap: 10px; padding: 12px 14px 6px; }
        .avatar { display: inline-flex; flex: none; align-items: center; justify-content: center; width: 40px;
          height: 40px; border-radius: 50%; background: var(--brand); color: var(--on-brand); font-weight: 700; }
        .who { display: flex; flex: 1; flex-direction: column; min-width: 0; }
        .who strong { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
        .sub { color: var(--muted); font-size: 13px; }
        .net { padding: 2px 8px; border-radius: 6px; background: var(--brand); color: var(--on-brand);
          font-size: 12px; font-weight: 600; }
        .text { margin: 6px 14px 10px; white-space: pre-wrap; overflow-wrap: anywhere; }
        .media { display: grid; gap: 2px; margin: 0 0 8px; }
        .media.m2, .media.m4 { grid-template-columns: 1fr 1fr; }
        .media.m3 { grid-template-columns: 2fr 1fr; }
        .media.m3 .tile:first-child { grid-row: span 2; }
        .tile { display: flex; flex-direction: column; justify-content: flex-end; min-height: 150px; padding: 10px;
          background: linear-gradient(135deg, var(--brand), #1f2328); color: #fff; text-decoration: none; }
        .tile.k-video::before { content: "\\25B6"; margin: auto; font-size: 34px; opacity: .9; }
        .tile.k-document { background: linear-gradient(135deg, #f6f8fa, #d0d7de); color: var(--ink); }
        .tile.more { align-items: center; justify-content: center; font-size: 22px; font-weight: 700; }
        .kind { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .06em; opacity: .85; }
        .file { overflow: hidden; font-size: 12px; white-space: nowrap; text-overflow: ellipsis; }
        .actions { display: flex; justify-content: space-around; padding: 8px 6px; border-top: 1px solid var(--line);
          color: var(--muted); font-size: 13px; font-weight: 600; }
        .meter { display: flex; align-items: center; gap: 8px; margin: 0; padding: 8px 14px; background: #f6f8fa;
          color: var(--muted); font-size: 12px; }
        .meter .bar { flex: 1; height: 6px; overflow: hidden; border-radius: 3px; background: #d0d7de; }
        .meter .bar span { display: block; height: 100%; background: #1a7f37; }
        .meter.over { background: #ffebe9; color: #82071e; font-weight: 700; }
        .meter.over .bar span { background: #cf222e; }
        .details { margin: 0; padding: 6px 14px; color: #57606a; font-size: 13px; }
        .fields { margin: 0; padding: 6px 14px; border-top: 1px solid var(--line); font-size: 13px; }
        .fields dt { color: #57606a; font-weight: 600; }
        .fields dt .note { font-weight: 400; }
        .fields dd { margin: 0 0 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
        .warnings { margin: 0; padding: 8px 14px 10px 30px; background: #fff8c5; color: #4d2d00; font-size: 13px; }

        .n-linkedin { border-top: 4px solid var(--brand); }
        .n-linkedin .avatar { border-radius: 4px; }
        .n-facebook .card-head strong { color: #050505; }
        .n-instagram .tile { aspect-ratio: 1 / 1; background: linear-gradient(45deg, #f58529, #dd2a7b, #8134af); }
        .n-instagram .avatar { box-shadow: 0 0 0 2px #fff, 0 0 0 4px #dd2a7b; }
        .n-x, .n-threads { border-radius: 16px; }
        .n-x .media, .n-threads .media { margin: 0 14px 10px; overflow: hidden; border-radius: 16px; }
        .n-x .actions, .n-threads .actions { justify-content: flex-start; gap: 28px; padding-left: 64px; border-top: 0; }
        .n-x .text, .n-threads .text { margin-left: 64px; }
        .n-pinterest { border-radius: 24px; }
        .n-pinterest .media { margin: 10px 10px 4px; overflow: hidden; border-radius: 16px; }
        .n-pinterest .tile { aspect-ratio: 4 / 5; min-height: 0; }
        .n-youtube .tile { aspect-ratio: 16 / 9; background: linear-gradient(135deg, #282828, #0f0f0f); }
        .n-youtube .tile.k-video::before { color: var(--brand); }
        .n-tiktok { background: #000; border-color: #000; color: #fff; }
        .n-tiktok .sub, .n-tiktok .actions { color: #b0b0b0; }
        .n-tiktok .actions { border-top-color: #333; }
        .n-tiktok .media { justify-content: center; }
        .n-tiktok .tile { width: 200px; aspect-ratio: 9 / 16;
          background: linear-gradient(160deg, #25f4ee, #000 45%, #fe2c55); }
        .n-tiktok .meter { background: #161616; }
        .n-googlebusiness .actions span:first-child { padding: 4px 14px; border-radius: 999px; background: var(--brand);
          color: var(--on-brand); }

        """
}

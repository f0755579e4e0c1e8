"""`govreport-xl serve`: the settings from the command line, uvicorn to run the app."""

from __future__ import annotations

import os

from .settings import Settings

DATABASE_ENV = "GOVREPORT_DATABASE_URL"  # keeps a password out of the process list


def settings_from(args) -> Settings:
    public = args.public_url or f"http://{'[' + args.host + ']' if ':' in args.host else args.host}:{args.port}"
    return Settings(data_dir=args.data, database_url=args.database or os.environ.get(DATABASE_ENV) or None,
                    public_url=public, max_upload_bytes=int(args.max_upload_mb * 1024 * 1024))


def serve(args) -> int:
    import uvicorn

    from .app import create_app

    settings = settings_from(args)
    app = create_app(settings)
    print(f"govreport-xl 服务已启动：{settings.public_url}/（数据目录 {settings.data_dir.resolve()}）", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info" if args.verbose else "warning",
                proxy_headers=bool(args.proxy), forwarded_allow_ips=args.proxy or None, server_header=False)
    return 0

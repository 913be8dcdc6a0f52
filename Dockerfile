# reportbot: a small image whose default command runs the Telegram bot (long polling, or a
# webhook with WEBHOOK_URL). Configuration comes from the environment (see .env.example):
#
#   docker run --env-file .env -v reportbot-knowledge:/app/knowledge -v reportbot-var:/app/var reportbot
#
# Two volumes keep what the bot learns across containers: /app/knowledge (the reports and
# curated files admins add from the chat; seeded with the shipped report on first start) and
# /app/var (the index, the usage log and the admins' audit log).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KNOWLEDGE_DIR=/app/knowledge \
    INDEX_PATH=/app/var/index.db \
    STATS_PATH=/app/var/stats.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install . && rm -rf /root/.cache

RUN useradd --create-home --uid 10001 reportbot && mkdir -p /app/var /app/knowledge && chown reportbot /app/var /app/knowledge
COPY --chown=reportbot knowledge ./knowledge.dist
USER reportbot
# Built now from the shipped knowledge so the bot answers from its first second; `reportbot run`
# rebuilds it when the knowledge volume differs.
RUN KNOWLEDGE_DIR=/app/knowledge.dist reportbot index

VOLUME ["/app/knowledge", "/app/var"]
EXPOSE 8443
# An empty knowledge volume (the first start) is seeded with the shipped report and curated files.
CMD ["sh", "-c", "[ -n \"$(ls -A /app/knowledge 2>/dev/null)\" ] || cp -r /app/knowledge.dist/. /app/knowledge/; exec reportbot run"]

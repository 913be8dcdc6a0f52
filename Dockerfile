# reportbot: a small image whose default command runs the Telegram bot (long polling, or a
# webhook with WEBHOOK_URL). The index is built at image build; configuration comes from the
# environment (see .env.example): docker run --env-file .env reportbot
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

RUN useradd --create-home --uid 10001 reportbot && mkdir -p /app/var && chown reportbot /app/var
COPY --chown=reportbot knowledge ./knowledge
USER reportbot
# Built now so the bot answers from its first second; `reportbot run` rebuilds it when
# knowledge/ (mounted over /app/knowledge) is newer.
RUN reportbot index

# Keep /app/var on a volume to keep the usage log (/stats) across containers.
VOLUME ["/app/var"]
EXPOSE 8443
CMD ["reportbot", "run"]

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN DATABASE_URL=postgres://build@localhost/build SECRET_KEY=collectstatic-only-not-a-secret-0123456789-abcdefghijklmnop \
    DJANGO_SETTINGS_MODULE=config.settings.production python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]

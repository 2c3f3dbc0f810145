# Reference numbers for src/medfed/privacy/population_risk_test.cc, computed from the models'
# definitions (not from medfed's code): Rscript tests/golden/population_uniqueness.R
#
# Sample equivalence classes: 40 of size 1, 15 of size 2, 8 of size 3, 5 of size 5, 2 of size 10.
sizes <- c(1, 2, 3, 5, 10); counts <- c(40, 15, 8, 5, 2)
n <- sum(sizes * counts); u <- sum(counts); c1 <- 40; c2 <- 15

# Zayatz (1991): P(sample unique is population unique) from hypergeometric draws.
zayatz <- function(N) {
  p1 <- function(K) dhyper(1, K, N - K, n)
  conditional <- (c1 / u * p1(1)) / sum(counts / u * p1(sizes))
  c1 * conditional / (n / N) / N
}

# Pitman (Hoshino 2001): maximise the Pitman sampling formula's log-likelihood in theta, alpha.
pitman <- function(N) {
  loglik <- function(p) {
    t <- p[1]; a <- p[2]
    if (t <= 0 || a <= 0 || a >= 1) return(-1e300)
    sum(log(t + (1:(u - 1)) * a)) - sum(log(t + 1:(n - 1))) +
      sum(counts * sapply(sizes, function(k) if (k == 1) 0 else sum(log((1:(k - 1)) - a))))
  }
  fit <- optim(c(10, 0.5), function(p) -loglik(p), control = list(reltol = 1e-14, maxit = 20000))
  t <- fit$par[1]; a <- fit$par[2]
  exp(lgamma(t + 1) - lgamma(t + a) + a * log(N)) / N
}

# SNB (Chen & Keller-McNulty 1998): F - 1 ~ NegBin(a, b), Bernoulli(f) sampling, K classes by
# Shlosser's estimator (Haas & Stokes 1998); solve K P(s=1) = c1, K P(s=2) = c2.
snb <- function(N) {
  f <- n / N
  K <- u + c1 * sum((1 - f)^sizes * counts) / sum(sizes * f * (1 - f)^(sizes - 1) * counts)
  residual <- function(p) {
    a <- exp(p[1]); b <- 1 / (1 + exp(-p[2])); d <- (1 - f) * (1 - b)
    e1 <- K * f * (b / (1 - d))^a * (1 + a * d / (1 - d))
    e2 <- K * f^2 * a * b^a * (1 - b) * (2 - (1 - a) * d) / (2 * (1 - d)^(a + 2))
    (e1 / c1 - 1)^2 + (e2 / c2 - 1)^2
  }
  fit <- optim(c(0, 0), residual, method = "BFGS", control = list(reltol = 1e-16, maxit = 10000))
  a <- exp(fit$par[1]); b <- 1 / (1 + exp(-fit$par[2]))
  K * b^a / N
}

for (N in c(2000, 500)) {
  cat(sprintf("N=%d zayatz=%.10g pitman=%.10g snb=%.10g\n", N, zayatz(N), pitman(N), snb(N)))
}

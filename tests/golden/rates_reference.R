# Reference numbers for src/medfed/stats/rates_test.cc.
#
# Data: the SEER*Stat age-adjusted rate tutorial, "Step 3: Calculating Age-adjusted Rates"
# (http://seer.cancer.gov/seerstat/tutorials/aarates/step3.html): malignant tumours, black
# females, SEER 9, 2000-2004, 19 age groups, 2000 US standard (Census P25-1130). SEER publishes
# the age-adjusted rate 400.3 per 100,000 and the crude rates per age group.
# The confidence interval is the gamma interval of Fay & Feuer (1997) with the Tiwari, Clegg &
# Zou (2006) modification of the upper limit, written out as in asht::wspoissonTest(wmtype="tcz").
count <- c(29, 87, 67, 71, 87, 177, 290, 657, 1072, 1691, 2428, 2931, 2881, 2817, 2817, 2744,
           2634, 1884, 1705)
pop <- c(139879, 553189, 736212, 770999, 651390, 639159, 676354, 736557, 724826, 700200,
         617437, 516541, 361170, 259440, 206204, 172087, 142958, 99654, 92692)
std <- c(3794901, 15191619, 19919840, 20056779, 19819518, 18257225, 17722067, 19511370,
         22179956, 22479229, 19805793, 17224359, 13307234, 10654272, 9409940, 8725574,
         7414559, 4900234, 4259173)
w <- std / (pop * sum(std)) * 1e5
y <- sum(w * count); v <- sum(w^2 * count)
lower <- qgamma(0.025, y^2 / v, scale = v / y)
ystar <- y + mean(w); vstar <- v + mean(w^2)
upper <- qgamma(0.975, ystar^2 / vstar, scale = vstar / ystar)
cat(sprintf("rate %.10f se %.10f lower %.10f upper %.10f\n", y, sqrt(v), lower, upper))
# Crude rate of all ages with exact Poisson limits.
cases <- sum(count); persons <- sum(pop)
cat(sprintf("crude %.10f lower %.10f upper %.10f\n", cases / persons * 1e5,
            qgamma(0.025, cases) / persons * 1e5, qgamma(0.975, cases + 1) / persons * 1e5))
# Small counts: 3 cases in 12,000 persons.
cat(sprintf("small %.10f lower %.10f upper %.10f\n", 3 / 12000 * 1e5,
            qgamma(0.025, 3) / 12000 * 1e5, qgamma(0.975, 4) / 12000 * 1e5))

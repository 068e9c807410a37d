"""Split a discount in whole fen across lines so the parts add up exactly.

Proportional to the weights, largest remainder first (ties by position), never more than a
line's cap; what a capped line cannot take goes to the others (lines of zero weight last, in
equal shares), and what nobody can take is not given (the discount shrinks rather than push a
line below its floor or zero).
"""


def allocate(total: int, weights: list[int], caps: list[int]) -> list[int]:
    n = len(weights)
    shares = [0] * n
    remaining = min(total, sum(max(0, c) for c in caps))
    weights = list(weights)
    open_ = [i for i in range(n) if caps[i] > 0 and weights[i] > 0]
    fallback_used = False
    while remaining > 0:
        if not open_:
            if fallback_used:
                break
            fallback_used = True  # only zero-weight lines can still take some: equal shares
            open_ = [i for i in range(n) if caps[i] > shares[i]]
            for i in open_:
                weights[i] = 1
            continue
        weight_sum = sum(weights[i] for i in open_)
        exact = {i: remaining * weights[i] // weight_sum for i in open_}
        rest = remaining - sum(exact.values())
        for i in sorted(open_, key=lambda i: (-(remaining * weights[i] % weight_sum), i))[:rest]:
            exact[i] += 1
        over = [i for i in open_ if shares[i] + exact[i] > caps[i]]
        if not over:
            for i in open_:
                shares[i] += exact[i]
            return shares
        for i in over:  # fill the capped lines, share the rest again among the others
            remaining -= caps[i] - shares[i]
            shares[i] = caps[i]
        open_ = [i for i in open_ if i not in over]
    return shares
